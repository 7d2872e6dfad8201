import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountTmpfs, unmountUnder } from '../volumes/mounts.js';
import { formatTimestamp, parseRecord, parseTimestamp } from './cri-format.js';
import { finishedMarker, rotatedFiles } from './log-files.js';
import { createLogWriter } from './writer.js';

const exec = promisify(execFile);
const isRoot = process.geteuid?.() === 0;
const T0 = 1704164645123456789n; // 2024-01-02T03:04:05.123456789Z

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-logs-${process.pid}-`));
});
afterEach(async () => {
  await unmountUnder(dir).catch(() => exec('umount', ['-R', '-l', dir]));
  await rm(dir, { recursive: true, force: true });
});

/** A clock that moves one second per reading, so every record's time is known. */
function clock(): () => bigint {
  let n = 0n;
  return () => T0 + 1_000_000_000n * n++;
}

describe('CRI format', () => {
  it.each([
    [T0, '2024-01-02T03:04:05.123456789Z'],
    [1704164645000000000n, '2024-01-02T03:04:05.000000000Z'],
    [7n, '1970-01-01T00:00:00.000000007Z'],
  ])('formats %s as %s and reads it back', (nanos, text) => {
    expect(formatTimestamp(nanos)).toBe(text);
    expect(parseTimestamp(text)).toBe(nanos);
  });

  it.each([
    ['2024-01-02T03:04:05Z', 1704164645000000000n],
    ['2024-01-02T03:04:05.5Z', 1704164645500000000n],
    ['2024-01-02T12:04:05.5+09:00', 1704164645500000000n],
    ['yesterday', undefined],
  ])('parses timestamp %s', (text, nanos) => expect(parseTimestamp(text)).toBe(nanos));

  it.each<[string, object | undefined]>([
    ['2024-01-02T03:04:05.123456789Z stdout F hello world', { stream: 'stdout', partial: false, content: 'hello world' }],
    ['2024-01-02T03:04:05.123456789Z stderr P  two spaces', { stream: 'stderr', partial: true, content: ' two spaces' }],
    ['2024-01-02T03:04:05.123456789Z stdout F ', { stream: 'stdout', partial: false, content: '' }],
    ['2024-01-02T03:04:05.123456789Z stdout F', { stream: 'stdout', partial: false, content: '' }],
    ['2024-01-02T03:04:05.123456789Z stdout F:extra text', { stream: 'stdout', partial: false, content: 'text' }],
    ['2024-01-02T03:04:05.123456789Z stdin F text', undefined],
    ['2024-01-02T03:04:05.123456789Z stdout X text', undefined],
    ['not a timestamp stdout F text', undefined],
    ['plain text', undefined],
  ])('parses %j', (line, want) => {
    const r = parseRecord(Buffer.from(line));
    if (want === undefined) expect(r).toBeUndefined();
    else expect({ stream: r?.stream, partial: r?.partial, content: r?.content.toString() }).toEqual(want);
  });
});

describe('createLogWriter', () => {
  const ts = (i: number): string => formatTimestamp(T0 + 1_000_000_000n * BigInt(i));

  it('writes complete lines as F records and holds partial ones per stream', async () => {
    const file = path.join(dir, 'pods', 'c', '0.log');
    const w = createLogWriter(file, { maxBytes: 1 << 20, maxFiles: 1, now: clock() });
    w.write('stdout', Buffer.from('hel'));
    w.write('stderr', Buffer.from('oops\n'));
    w.write('stdout', Buffer.from('lo\n\nwor'));
    w.write('stdout', Buffer.from('ld\nunterminated'));
    expect(existsSync(finishedMarker(file))).toBe(false);
    w.close();
    w.write('stdout', Buffer.from('after close\n'));
    expect(await readFile(file, 'utf8')).toBe(
      [
        `${ts(0)} stderr F oops`,
        `${ts(1)} stdout F hello`,
        `${ts(2)} stdout F `,
        `${ts(3)} stdout F world`,
        `${ts(4)} stdout P unterminated`,
        '',
      ].join('\n'),
    );
    expect(existsSync(finishedMarker(file))).toBe(true);
  });

  it('cuts long lines into P records of maxLineBytes', async () => {
    const file = path.join(dir, '0.log');
    const w = createLogWriter(file, { maxBytes: 1 << 20, maxFiles: 1, maxLineBytes: 10, now: clock() });
    w.write('stdout', Buffer.from('abcdefghijklmnopqrstuvwxy\n'));
    w.write('stdout', Buffer.from('0123456789ABCDEFGHIJKLMNO'));
    w.write('stdout', Buffer.from('PQ\n'));
    w.close();
    const records = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => l.slice(31));
    expect(records).toEqual(['stdout P abcdefghij', 'stdout P klmnopqrst', 'stdout F uvwxy', 'stdout P 0123456789', 'stdout P ABCDEFGHIJ', 'stdout F KLMNOPQ']);
  });

  it('rotates before a record would pass maxBytes and keeps maxFiles rotated files', async () => {
    const file = path.join(dir, '0.log');
    const w = createLogWriter(file, { maxBytes: 200, maxFiles: 2, now: clock() });
    const lines = Array.from({ length: 40 }, (_, i) => `line ${String(i).padStart(2, '0')}`);
    for (const line of lines) w.write('stdout', Buffer.from(`${line}\n`));
    w.close();
    const rotated = await rotatedFiles(file);
    expect(rotated).toHaveLength(2);
    expect(rotated.every((f) => /\/0\.log\.\d{8}-\d{6}\.\d{9}$/.test(f))).toBe(true);
    const kept: string[] = [];
    for (const f of [...rotated, file]) {
      expect((await stat(f)).size).toBeLessThanOrEqual(200);
      kept.push(...(await readFile(f, 'utf8')).trimEnd().split('\n').map((l) => parseRecord(Buffer.from(l))!.content.toString()));
    }
    // The newest lines, in order, with nothing missing between them.
    expect(kept).toEqual(lines.slice(lines.length - kept.length));
    expect(kept.length).toBeGreaterThan(8);
  });

  it('appends to an existing log and clears its finished mark when opened again', async () => {
    const file = path.join(dir, '0.log');
    const first = createLogWriter(file, { maxBytes: 1 << 20, maxFiles: 1, now: clock() });
    first.write('stdout', Buffer.from('one\n'));
    first.close();
    const second = createLogWriter(file, { maxBytes: 1 << 20, maxFiles: 1, now: clock() });
    expect(existsSync(finishedMarker(file))).toBe(false);
    second.write('stdout', Buffer.from('two\n'));
    second.close();
    expect((await readFile(file, 'utf8')).split('\n').map((l) => l.slice(40))).toEqual(['one', 'two', '']);
  });

  it.skipIf(!isRoot)('reports a full disk instead of throwing (needs root to mount a small tmpfs)', async () => {
    const small = path.join(dir, 'small');
    await mkdir(small);
    await mountTmpfs(small, { mode: 0o755, sizeBytes: 64 * 1024 });
    const errors: Error[] = [];
    const w = createLogWriter(path.join(small, '0.log'), { maxBytes: 1 << 20, maxFiles: 1, onError: (e) => errors.push(e) });
    const line = Buffer.from(`${'x'.repeat(1000)}\n`);
    for (let i = 0; i < 100; i++) w.write('stdout', line);
    w.close();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'ENOSPC' });
  });
});
