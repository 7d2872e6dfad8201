import { open, readFile } from 'node:fs/promises';

const MAX_MESSAGE = 4096;
const FALLBACK_LINES = 80;
const FALLBACK_BYTES = 2048;

/** The text of CRI log lines (`<time> <stream> <F|P> <text>`), partial lines joined. */
export function criText(raw: string): string[] {
  const lines: string[] = [];
  let partial = '';
  for (const line of raw.split('\n')) {
    const m = /^\S+ (?:stdout|stderr) ([FP]) ?(.*)$/.exec(line);
    if (!m) continue;
    partial += m[2];
    if (m[1] === 'F') {
      lines.push(partial);
      partial = '';
    }
  }
  if (partial !== '') lines.push(partial);
  return lines;
}

/** The last `maxLines` lines of a CRI log, at most `maxBytes` of them (from the end). */
export async function logTail(logPath: string, maxLines = FALLBACK_LINES, maxBytes = FALLBACK_BYTES): Promise<string> {
  let raw: string;
  try {
    const fh = await open(logPath, 'r');
    try {
      const { size } = await fh.stat();
      // Enough raw bytes for the text plus the CRI prefixes (~40 bytes per line).
      const want = Math.min(size, maxBytes + maxLines * 48);
      const buf = Buffer.alloc(want);
      await fh.read(buf, 0, want, size - want);
      raw = buf.toString('utf8');
      if (want < size) raw = raw.slice(raw.indexOf('\n') + 1);
    } finally {
      await fh.close();
    }
  } catch {
    return '';
  }
  const text = criText(raw).slice(-maxLines).join('\n');
  return text.length > maxBytes ? text.slice(text.length - maxBytes) : text;
}

/**
 * Kubernetes' terminated.message: the file the container wrote at terminationMessagePath (up to
 * 4 KiB), or with FallbackToLogsOnError and a failed exit, the end of its log.
 */
export async function terminationMessage(file: string | undefined, policy: string | undefined, exitCode: number, logPath: string): Promise<string> {
  let msg = '';
  if (file !== undefined) {
    try {
      msg = (await readFile(file)).subarray(0, MAX_MESSAGE).toString('utf8');
    } catch {
      msg = '';
    }
  }
  if (msg === '' && policy === 'FallbackToLogsOnError' && exitCode !== 0) msg = await logTail(logPath);
  return msg;
}
