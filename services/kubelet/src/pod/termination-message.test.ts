import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criText, logTail, terminationMessage } from './termination-message.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kite-termmsg-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cri = (lines: Array<[string, 'F' | 'P', string]>): string => lines.map(([s, tag, text], i) => `2026-01-01T00:00:0${i}.000000000Z ${s} ${tag} ${text}`).join('\n') + '\n';

describe('criText', () => {
  it('joins partial lines and drops the CRI prefixes', () => {
    expect(criText(cri([['stdout', 'P', 'hel'], ['stdout', 'F', 'lo'], ['stderr', 'F', 'oops'], ['stdout', 'F', '']]))).toEqual(['hello', 'oops', '']);
  });
});

describe('terminationMessage', () => {
  it.each([
    ['the file wins', 'bye\n', 'FallbackToLogsOnError', 1, 'bye\n'],
    ['empty file, File policy', '', 'File', 1, ''],
    ['empty file, fallback on failure: the log tail', '', 'FallbackToLogsOnError', 2, 'line 1\nline 2'],
    ['empty file, fallback but success', '', 'FallbackToLogsOnError', 0, ''],
  ])('%s', async (_name, content, policy, code, want) => {
    const file = path.join(dir, `msg-${Math.random()}`);
    await writeFile(file, content);
    const log = path.join(dir, `log-${Math.random()}`);
    await writeFile(log, cri([['stdout', 'F', 'line 1'], ['stderr', 'F', 'line 2']]));
    expect(await terminationMessage(file, policy, code, log)).toBe(want);
  });

  it('keeps the last 80 lines and 2 KiB of a long log', async () => {
    const log = path.join(dir, 'long.log');
    await writeFile(log, Array.from({ length: 500 }, (_, i) => `2026-01-01T00:00:00.000000000Z stdout F ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`).join('\n') + '\n');
    const tail = await logTail(log);
    const lines = tail.split('\n');
    expect(lines).toHaveLength(80);
    expect(lines[79]).toMatch(/^499 /);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(2048);
    expect(await logTail(path.join(dir, 'missing.log'))).toBe('');
  });
});
