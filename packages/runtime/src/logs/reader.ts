import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { parseRecord, type LogRecord } from './cri-format.js';
import { isFinished, rotatedFiles } from './log-files.js';

export interface ReadLogsOptions {
  /** Only the last N records (CRI lines, so a line cut into P pieces counts each piece, as in the kubelet). */
  tailLines?: number;
  /** Drop records written before this time. Applied after tailLines, as the kubelet does. */
  sinceTime?: Date;
  /** Start each record with its RFC3339Nano timestamp and a space (`kubectl logs --timestamps`). */
  timestamps?: boolean;
  /** Keep reading as the container writes, across rotations, until `signal` aborts or the writer closes the log. */
  follow?: boolean;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** How often a follower looks for changes when no file event came (events normally wake it at once). */
  pollIntervalMs?: number;
}

interface Source {
  fh: FileHandle;
  ino: number;
  size: number;
  pos: number;
  /** Bytes after the last newline: a record still being written. */
  rest?: Buffer;
}

const BLOCK = 64 * 1024;
const NL = 0x0a;

/**
 * Reads a CRI log (with its rotated files) as the program wrote it: the CRI prefix stripped and
 * `P` pieces joined back into their lines; or, with `timestamps`, each record prefixed by its
 * time. Throws ENOENT when the log does not exist. Ends, without error, when `signal` aborts.
 */
export async function* readLogs(logPath: string, opts: ReadLogsOptions = {}, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const sources = await openAll(logPath);
  const out = new Formatter(opts);
  let current: Source | undefined;
  try {
    const start = opts.tailLines !== undefined ? await tailStart(sources, Math.max(0, opts.tailLines)) : { index: 0, offset: 0 };
    for (let i = start.index; i < sources.length; i++) {
      const src = sources[i]!;
      if (i === start.index) src.pos = start.offset;
      yield* drain(src, out);
      if (out.full || signal?.aborted) return;
    }
    if (opts.follow !== true) return;

    current = sources.at(-1);
    const currentIsLog = current !== undefined && (await stat(logPath).catch(() => undefined))?.ino === current.ino;
    if (!currentIsLog) current = undefined;
    const changes = new ChangeWaiter(logPath, opts.pollIntervalMs ?? 500, signal);
    try {
      let finishing = false;
      for (;;) {
        if (signal?.aborted) return;
        if (current !== undefined) {
          yield* drain(current, out);
          if (out.full) return;
        }
        const st = await stat(logPath).catch(() => undefined);
        if (st !== undefined && st.ino !== current?.ino) {
          // Rotated (or created): what is left of the old file, then the new one from its start.
          if (current !== undefined) {
            yield* drain(current, out);
            if (out.full) return;
            await current.fh.close();
            current = undefined;
          }
          current = await openSource(logPath).catch(() => undefined);
          if (current !== undefined) sources.push(current);
          continue;
        }
        if (finishing) return;
        // The writer drains everything before it marks the log: one more pass reads the rest.
        if (isFinished(logPath)) {
          finishing = true;
          continue;
        }
        await changes.next();
      }
    } finally {
      changes.close();
    }
  } finally {
    await Promise.all(sources.map((s) => s.fh.close().catch(() => undefined)));
  }
}

async function openSource(file: string): Promise<Source> {
  const fh = await open(file, 'r');
  const st = await fh.stat();
  return { fh, ino: st.ino, size: st.size, pos: 0 };
}

/** Rotated files oldest first, then the current one; a file rotated away meanwhile is skipped. */
async function openAll(logPath: string): Promise<Source[]> {
  for (let attempt = 0; ; attempt++) {
    const sources: Source[] = [];
    let raced = false;
    for (const file of [...(await rotatedFiles(logPath)), logPath]) {
      const src = await openSource(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        if (file !== logPath) raced = true;
        return undefined;
      });
      if (src !== undefined) sources.push(src);
    }
    if (!raced || attempt >= 3) {
      if (sources.length > 0) return sources;
      throw Object.assign(new Error(`log file ${logPath} does not exist`), { code: 'ENOENT' });
    }
    await Promise.all(sources.map((s) => s.fh.close()));
  }
}

/** Where the last `n` records begin: after the (n+1)-th newline from the end, across files. */
async function tailStart(sources: Source[], n: number): Promise<{ index: number; offset: number }> {
  let need = n + 1;
  const buf = Buffer.allocUnsafe(BLOCK);
  for (let i = sources.length - 1; i >= 0; i--) {
    const src = sources[i]!;
    let end = src.size;
    while (end > 0) {
      const from = Math.max(0, end - BLOCK);
      const { bytesRead } = await src.fh.read(buf, 0, end - from, from);
      for (let j = bytesRead - 1; j >= 0; j--) {
        if (buf[j] === NL && --need === 0) return { index: i, offset: from + j + 1 };
      }
      end = from;
    }
  }
  return { index: 0, offset: 0 };
}

async function* drain(src: Source, out: Formatter): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(BLOCK);
  for (;;) {
    const { bytesRead } = await src.fh.read(buf, 0, BLOCK, src.pos);
    if (bytesRead === 0) return;
    src.pos += bytesRead;
    const text = out.lines(src, buf.subarray(0, bytesRead));
    if (text.length > 0) yield text;
    if (out.full) return;
  }
}

/** Turns records into output: filters by time, strips or keeps timestamps, enforces limitBytes. */
class Formatter {
  full = false;
  private readonly since: bigint | undefined;
  private remaining: number;

  constructor(private readonly opts: ReadLogsOptions) {
    this.since = opts.sinceTime !== undefined ? BigInt(opts.sinceTime.getTime()) * 1_000_000n : undefined;
    this.remaining = opts.limitBytes ?? Infinity;
  }

  lines(src: Source, data: Buffer): Buffer {
    let text = data;
    if (src.rest !== undefined) {
      text = Buffer.concat([src.rest, data]);
      src.rest = undefined;
    }
    const parts: Buffer[] = [];
    let start = 0;
    for (let nl = text.indexOf(NL); nl >= 0 && !this.full; nl = text.indexOf(NL, start)) {
      const record = parseRecord(text.subarray(start, nl));
      start = nl + 1;
      if (record === undefined || (this.since !== undefined && record.nanos < this.since)) continue;
      for (const part of this.format(record)) this.emit(part, parts);
    }
    if (start < text.length && !this.full) src.rest = Buffer.from(text.subarray(start));
    return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts);
  }

  private format(r: LogRecord): Buffer[] {
    const parts = this.opts.timestamps === true ? [Buffer.from(`${r.timestamp} `), r.content] : [r.content];
    if (!r.partial) parts.push(Buffer.from('\n'));
    return parts;
  }

  private emit(part: Buffer, parts: Buffer[]): void {
    if (part.length >= this.remaining) {
      parts.push(part.subarray(0, this.remaining));
      this.remaining = 0;
      this.full = true;
      return;
    }
    parts.push(part);
    this.remaining -= part.length;
  }
}

/** Wakes a follower when something in the log's directory changes, on a timer, or on abort. */
class ChangeWaiter {
  private watcher: FSWatcher | undefined;
  private changed = false;
  private wake: (() => void) | undefined;
  private readonly onAbort = (): void => this.poke();

  constructor(
    logPath: string,
    private readonly pollMs: number,
    private readonly signal?: AbortSignal,
  ) {
    const base = path.basename(logPath);
    try {
      this.watcher = watch(path.dirname(logPath), (_event, name) => {
        if (name === null || name.startsWith(base)) this.poke();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No inotify watches left: the timer alone will do.
    }
    signal?.addEventListener('abort', this.onAbort);
  }

  private poke(): void {
    this.changed = true;
    this.wake?.();
  }

  async next(): Promise<void> {
    if (!this.changed && this.signal?.aborted !== true) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, this.pollMs);
      });
      clearTimeout(timer);
      this.wake = undefined;
    }
    this.changed = false;
  }

  close(): void {
    this.watcher?.close();
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
