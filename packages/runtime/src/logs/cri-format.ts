/**
 * The CRI log format (kubelet and containerd): one record per line,
 * `<RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>\n`. `F` ends a line of the program's
 * output; `P` is a piece of a longer line (or of output that ended without a newline), which a
 * reader joins to what follows without a newline of its own.
 */

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** As written: `2024-01-02T03:04:05.123456789Z`. */
  timestamp: string;
  /** Nanoseconds since the epoch. */
  nanos: bigint;
  stream: LogStream;
  partial: boolean;
  content: Buffer;
}

let lastNanos = 0n;
const startHr = process.hrtime.bigint();
const startNanos = BigInt(Date.now()) * 1_000_000n;

/** Wall-clock nanoseconds that never go backwards within this process (records stay in order). */
export function nowNanos(): bigint {
  const now = startNanos + (process.hrtime.bigint() - startHr);
  lastNanos = now > lastNanos ? now : lastNanos + 1n;
  return lastNanos;
}

/** Nine fraction digits always, so records sort as text and lines line up. */
export function formatTimestamp(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const fraction = String(nanos % 1_000_000_000n).padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

export function formatRecord(nanos: bigint, stream: LogStream, partial: boolean, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${formatTimestamp(nanos)} ${stream} ${partial ? 'P' : 'F'} `), content, NEWLINE]);
}

const NEWLINE = Buffer.from('\n');
const SPACE = 0x20;

/** Parses one record without its newline; undefined for a line that is not CRI. */
export function parseRecord(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(SPACE);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(SPACE, s1 + 1);
  if (s2 < 0) return undefined;
  const timestamp = line.toString('latin1', 0, s1);
  const stream = line.toString('latin1', s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const nanos = parseTimestamp(timestamp);
  if (nanos === undefined) return undefined;
  // Tags are `:`-separated (CRI); the first says full or partial. Content may be empty.
  let s3 = line.indexOf(SPACE, s2 + 1);
  if (s3 < 0) s3 = line.length;
  const tag = line.toString('latin1', s2 + 1, s3).split(':')[0];
  if (tag !== 'F' && tag !== 'P') return undefined;
  return { timestamp, nanos, stream, partial: tag === 'P', content: line.subarray(Math.min(s3 + 1, line.length)) };
}
