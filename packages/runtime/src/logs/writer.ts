import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { formatRecord, nowNanos, type LogStream } from './cri-format.js';
import { finishedMarker, markLogFinished, rotatedFilesSync, rotatedName } from './log-files.js';

export interface LogWriterOptions {
  /** Rotate before a record would take the file past this size. */
  maxBytes: number;
  /**
   * Rotated files to keep besides the current one (the kubelet's containerLogMaxFiles counts the
   * current file too: pass it minus one).
   */
  maxFiles: number;
  /** Longer lines are cut into `P` records of this size; containerd's default is 16 KiB. */
  maxLineBytes?: number;
  /** Called when the disk refuses a write; the output is dropped rather than stopping the container. */
  onError?: (err: Error) => void;
  /** Clock in nanoseconds, for tests. */
  now?: () => bigint;
}

export interface LogWriter {
  readonly path: string;
  /** Appends what a container wrote on one stream; complete lines are on disk when this returns. */
  write(stream: LogStream, chunk: Buffer): void;
  /** Writes out unterminated output as `P` records, closes the file and marks it finished. */
  close(): void;
}

const DEFAULT_MAX_LINE = 16 * 1024;
const NL = 0x0a;

/**
 * Writes a container's stdout and stderr to `logPath` in the CRI format. Writes are synchronous:
 * each chunk costs one write(2) to a local file, and it keeps records in order, lets `close()`
 * finish everything before the finished marker appears, and lets rotation happen between any
 * two records without a queue. Output without a newline waits (per stream) for the rest of its
 * line, up to `maxLineBytes`, as containerd does.
 */
export function createLogWriter(logPath: string, opts: LogWriterOptions): LogWriter {
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  const now = opts.now ?? nowNanos;
  mkdirSync(path.dirname(logPath), { recursive: true });
  // A writer on this path again (the kubelet restarted): the log is live again.
  rmSync(finishedMarker(logPath), { force: true });
  let fd: number | undefined = openSync(logPath, 'a', 0o640);
  let size = fstatSync(fd).size;
  const pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  const pendingBytes: Record<LogStream, number> = { stdout: 0, stderr: 0 };
  let closed = false;

  const fail = (err: unknown): void => {
    opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  };

  const rotate = (): void => {
    closeSync(fd!);
    fd = undefined;
    try {
      renameSync(logPath, rotatedName(logPath, now()));
      const rotated = rotatedFilesSync(logPath);
      for (const old of rotated.slice(0, Math.max(0, rotated.length - opts.maxFiles))) rmSync(old, { force: true });
    } catch (err) {
      // Keep logging into the same file, over its limit, rather than not at all.
      fail(err);
    }
    fd = openSync(logPath, 'a', 0o640);
    size = fstatSync(fd).size;
  };

  const writeRecords = (records: Buffer[]): void => {
    if (records.length === 0 || fd === undefined) return;
    try {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const flush = (): void => {
        if (batch.length === 0) return;
        const buf = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
        let off = 0;
        while (off < buf.length) off += writeSync(fd!, buf, off);
        size += buf.length;
        batch = [];
        batchBytes = 0;
      };
      for (const rec of records) {
        if (size + batchBytes > 0 && size + batchBytes + rec.length > opts.maxBytes) {
          flush();
          rotate();
        }
        batch.push(rec);
        batchBytes += rec.length;
      }
      flush();
    } catch (err) {
      fail(err);
    }
  };

  /** Cuts one line (without its newline) into records: P pieces of maxLine, then the last piece as `last`. */
  const cut = (stream: LogStream, line: Buffer, lastPartial: boolean, out: Buffer[]): void => {
    const t = now();
    let off = 0;
    while (line.length - off > maxLine) {
      out.push(formatRecord(t, stream, true, line.subarray(off, off + maxLine)));
      off += maxLine;
    }
    if (off < line.length || !lastPartial) out.push(formatRecord(t, stream, lastPartial, line.subarray(off)));
  };

  const takePending = (stream: LogStream, tail?: Buffer): Buffer => {
    const parts = tail === undefined ? pending[stream] : [...pending[stream], tail];
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    pending[stream] = [];
    pendingBytes[stream] = 0;
    return buf;
  };

  return {
    path: logPath,
    write(stream, chunk) {
      if (closed || chunk.length === 0) return;
      const records: Buffer[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, start)) {
        const piece = chunk.subarray(start, nl);
        cut(stream, pendingBytes[stream] > 0 ? takePending(stream, piece) : piece, false, records);
        start = nl + 1;
      }
      if (start < chunk.length) {
        // Copied: the caller may reuse its buffer.
        const rest = Buffer.from(chunk.subarray(start));
        pending[stream].push(rest);
        pendingBytes[stream] += rest.length;
        if (pendingBytes[stream] >= maxLine) {
          const buf = takePending(stream);
          const whole = buf.length - (buf.length % maxLine);
          cut(stream, buf.subarray(0, whole), true, records);
          if (whole < buf.length) {
            pending[stream].push(buf.subarray(whole));
            pendingBytes[stream] = buf.length - whole;
          }
        }
      }
      writeRecords(records);
    },
    close() {
      if (closed) return;
      closed = true;
      const records: Buffer[] = [];
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pendingBytes[stream] > 0) cut(stream, takePending(stream), true, records);
      }
      writeRecords(records);
      try {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
        markLogFinished(logPath);
      } catch (err) {
        fail(err);
      }
    },
  };
}
