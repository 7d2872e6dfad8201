import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Runs a host tool and resolves with its stdout; rejects with its stderr in the message. */
export function run(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const detail = stderr.trim() || err.message;
        reject(new Error(`${[file, ...args].join(' ')}: ${detail}`));
      } else {
        resolve(stdout);
      }
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Quotes one word for /bin/sh. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Polls `check` until it returns a value or the deadline passes (then undefined). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 10): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** PIDs of a process's children (none when it is gone). */
export async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
