import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from './cri-format.js';
import { markLogFinished, rotatedFiles } from './log-files.js';
import { readLogs, type ReadLogsOptions } from './reader.js';
import { createLogWriter, type LogWriter } from './writer.js';

const T0 = 1704164645123456789n; // 2024-01-02T03:04:05.123456789Z
const ts = (i: number): string => formatTimestamp(T0 + 1_000_000_000n * BigInt(i));

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-logread-${process.pid}-`));
  file = path.join(dir, '0.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A writer whose clock moves one second per record: record i has time ts(i). */
function writer(opts: { maxBytes?: number; maxFiles?: number; maxLineBytes?: number } = {}): LogWriter {
  let n = 0n;
  return createLogWriter(file, { maxBytes: opts.maxBytes ?? 1 << 20, maxFiles: opts.maxFiles ?? 5, maxLineBytes: opts.maxLineBytes ?? 16, now: () => T0 + 1_000_000_000n * n++ });
}

async function readAll(opts: ReadLogsOptions = {}, signal?: AbortSignal): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of readLogs(file, opts, signal)) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

/** stdout: "alpha\n", a 40-byte line cut into P pieces, "omega" left unterminated; stderr: "warn\n". */
function writeSample(): void {
  const w = writer();
  w.write('stdout', Buffer.from('alpha\n'));
  w.write('stderr', Buffer.from('warn\n'));
  w.write('stdout', Buffer.from(`${'L'.repeat(40)}\nome`));
  w.write('stdout', Buffer.from('ga'));
  w.close();
}
const SAMPLE = `alpha\nwarn\n${'L'.repeat(40)}\nomega`;

describe('readLogs', () => {
  it('gives back what the program wrote, P pieces joined', async () => {
    writeSample();
    expect(await readAll()).toBe(SAMPLE);
  });

  it('prefixes every record with its timestamp', async () => {
    writeSample();
    expect(await readAll({ timestamps: true })).toBe(
      `${ts(0)} alpha\n${ts(1)} warn\n${ts(2)} LLLLLLLLLLLLLLLL${ts(2)} LLLLLLLLLLLLLLLL${ts(2)} LLLLLLLL\n${ts(3)} omega`,
    );
  });

  it.each<[ReadLogsOptions, string]>([
    [{ tailLines: 0 }, ''],
    [{ tailLines: 1 }, 'omega'],
    [{ tailLines: 2 }, 'LLLLLLLL\nomega'],
    [{ tailLines: 100 }, SAMPLE],
    [{ sinceTime: new Date(Number((T0 + 1_000_000_000n) / 1_000_000n)) }, `warn\n${'L'.repeat(40)}\nomega`],
    [{ sinceTime: new Date(Number(T0 / 1_000_000n) + 3000) }, 'omega'],
    [{ tailLines: 5, sinceTime: new Date(Number(T0 / 1_000_000n) + 1000) }, `warn\n${'L'.repeat(40)}\nomega`],
    [{ limitBytes: 8 }, 'alpha\nwa'],
    [{ limitBytes: 6, timestamps: true }, '2024-0'],
    [{ limitBytes: 1000 }, SAMPLE],
  ])('%j', async (opts, want) => {
    writeSample();
    expect(await readAll(opts)).toBe(want);
  });

  it('reads across rotated files, oldest first, and tails across them', async () => {
    const w = writer({ maxBytes: 120, maxFiles: 10 });
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i}`);
    for (const line of lines) w.write('stdout', Buffer.from(`${line}\n`));
    w.close();
    expect((await rotatedFiles(file)).length).toBeGreaterThanOrEqual(4);
    expect(await readAll()).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(await readAll({ tailLines: 5 })).toBe(lines.slice(-5).map((l) => `${l}\n`).join(''));
  });

  it('skips lines that are not CRI records', async () => {
    await appendFile(file, `garbage\n${ts(0)} stdout F good\n\n${ts(1)} bogus F bad\n`);
    expect(await readAll()).toBe('good\n');
  });

  it('says ENOENT for a log that does not exist', async () => {
    await expect(readAll()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** Collects a follower's output as it comes, and when it ends. */
function follow(opts: ReadLogsOptions, signal?: AbortSignal): { text: () => string; ended: Promise<void> } {
  let text = '';
  const ended = (async () => {
    for await (const chunk of readLogs(file, { follow: true, pollIntervalMs: 5_000, ...opts }, signal)) text += chunk.toString();
  })();
  return { text: () => text, ended };
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('readLogs follow', () => {
  it('picks up new lines across rotations and ends when the writer closes', async () => {
    const w = writer({ maxBytes: 150, maxFiles: 1 });
    w.write('stdout', Buffer.from('before\n'));
    // The long poll interval means only file events can wake the follower in time.
    const f = follow({ tailLines: 1 });
    await until('the existing line', () => f.text() === 'before\n');
    const want = ['before'];
    for (let i = 0; i < 30; i++) {
      w.write('stdout', Buffer.from(`line ${i}\n`));
      want.push(`line ${i}`);
      // A follower that falls behind by more than maxFiles rotations loses lines, as in Kubernetes.
      await until(`line ${i}`, () => f.text().endsWith(`line ${i}\n`));
    }
    expect((await rotatedFiles(file)).length).toBe(1);
    w.write('stderr', Buffer.from('last words'));
    w.close();
    await f.ended;
    expect(f.text()).toBe(`${want.join('\n')}\nlast words`);
  });

  it('starts with only new lines at tailLines 0, and ends when aborted', async () => {
    const w = writer();
    w.write('stdout', Buffer.from('old\n'));
    const abort = new AbortController();
    const f = follow({ tailLines: 0, timestamps: true }, abort.signal);
    // The follower starts at the end of the file as it finds it; keep writing until it shows lines.
    let written = 0;
    await until('new lines', () => {
      w.write('stdout', Buffer.from(`new ${++written}\n`));
      return f.text().includes('\n');
    });
    const got = f.text().trimEnd().split('\n');
    const first = Number(/new (\d+)$/.exec(got[0]!)![1]);
    expect(got).toEqual(got.map((_, i) => `${ts(first + i)} new ${first + i}`));
    abort.abort();
    await f.ended;
    expect(f.text()).not.toContain('old');
    w.close();
  });

  it('ends at once on a log that was already finished', async () => {
    writeSample();
    const f = follow({});
    await f.ended;
    expect(f.text()).toBe(SAMPLE);
  });

  it('ends when someone else marks the log finished (its writer died with a kubelet)', async () => {
    await appendFile(file, `${ts(0)} stdout F orphan\n`);
    const f = follow({});
    await until('the line', () => f.text() === 'orphan\n');
    markLogFinished(file);
    await f.ended;
  });

  it('stops at limitBytes while following', async () => {
    const w = writer();
    const f = follow({ limitBytes: 10 });
    w.write('stdout', Buffer.from('12345\n'));
    w.write('stdout', Buffer.from('67890\n'));
    await f.ended;
    expect(f.text()).toBe('12345\n6789');
    w.close();
  });
});
