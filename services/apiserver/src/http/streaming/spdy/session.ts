import { Duplex } from 'node:stream';
import {
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  goAwayFrame,
  parseRstStream,
  parseStreamHeaders,
  parseSynStream,
  pingFrame,
  RST_INVALID_STREAM,
  RST_PROTOCOL_ERROR,
  rstStreamFrame,
  synReplyFrame,
  type Frame,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './headers.js';

/** Big enough for throughput, small enough that one stream cannot hog the connection. */
const MAX_DATA = 32 * 1024;

/**
 * One stream the client opened. Readable side: the client's DATA (ends at its FIN); writable
 * side: our DATA (`end()` sends FIN). A RST from either side destroys it.
 */
export class SpdyStream extends Duplex {
  private localFin = false;
  remoteFin = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    // Data is pushed as frames arrive; SPDY flow control is not used by Kubernetes' peers.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    let ok = true;
    for (let off = 0; off < chunk.length; off += MAX_DATA) ok = this.session.send(dataFrame(this.id, 0, chunk.subarray(off, off + MAX_DATA)));
    // Holding the callback back while the transport is full makes write() return false upstream.
    if (ok) cb();
    else this.session.whenWritable(() => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.finish();
    cb();
  }

  /** Sends FIN (idempotent). */
  finish(): void {
    if (this.localFin) return;
    this.localFin = true;
    this.session.send(dataFrame(this.id, FLAG_FIN, Buffer.alloc(0)));
    this.session.maybeForget(this);
  }

  get closedBothWays(): boolean {
    return this.localFin && this.remoteFin;
  }

  /** Aborts the stream towards the client. */
  reset(status = RST_PROTOCOL_ERROR): void {
    if (!this.localFin) this.session.send(rstStreamFrame(this.id, status));
    this.localFin = true;
    this.remoteFin = true;
    this.session.maybeForget(this);
    this.destroy();
  }
}

export interface SpdySessionOptions {
  /**
   * Writes bytes to the transport (a socket, or one WebSocket message per call); false when it
   * is full, after which the transport calls `transportDrained()` once it can take more.
   */
  write: (bytes: Buffer) => boolean;
  /** Called for each stream the client opens, after the SYN_REPLY went out. */
  onStream: (stream: SpdyStream) => void;
  /** Called once when the session ends (GOAWAY, protocol error, `close()`). */
  onClose?: (err?: Error) => void;
}

/**
 * The server side of a SPDY/3.1 connection as Kubernetes' clients use it: the client opens
 * every stream (replied to at once), pings now and then, and says GOAWAY when done.
 */
export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  /** Frames are handled strictly in order: header blocks share one zlib stream. */
  private chain: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;
  private full = false;
  private readonly drainWaiters: Array<() => void> = [];

  constructor(private readonly o: SpdySessionOptions) {}

  /** Feeds bytes read from the transport. */
  receive(bytes: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(bytes);
    } catch (err) {
      return this.close(err as Error);
    }
    for (const f of frames) this.chain = this.chain.then(() => this.handle(f)).catch((err: unknown) => this.close(err as Error));
  }

  /** False when the transport is full: stop producing until `whenWritable` calls back. */
  send(bytes: Buffer): boolean {
    if (this.closed) return true;
    if (!this.o.write(bytes)) this.full = true;
    return !this.full;
  }

  whenWritable(cb: () => void): void {
    if (!this.full || this.closed) return cb();
    this.drainWaiters.push(cb);
  }

  /** The transport can take more bytes again. */
  transportDrained(): void {
    this.full = false;
    for (const cb of this.drainWaiters.splice(0)) cb();
  }

  maybeForget(s: SpdyStream): void {
    if (s.closedBothWays) this.streams.delete(s.id);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Says GOAWAY (unless the transport is gone) and ends every stream. */
  close(err?: Error): void {
    if (this.closed) return;
    if (err === undefined) this.o.write(goAwayFrame(this.lastStreamId, 0));
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.decompressor.close();
    this.transportDrained();
    this.o.onClose?.(err);
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (f.kind === 'data') {
      const s = this.streams.get(f.streamId);
      if (s === undefined) {
        this.send(rstStreamFrame(f.streamId, RST_INVALID_STREAM));
        return;
      }
      if (f.data.length > 0) s.push(f.data);
      if (f.flags & FLAG_FIN) {
        s.remoteFin = true;
        s.push(null);
        this.maybeForget(s);
      }
      return;
    }
    switch (f.type) {
      case FrameType.SynStream: {
        const syn = parseSynStream(f.payload);
        const headers = await this.decompressor.decompress(syn.headerBlock);
        if (syn.streamId <= this.lastStreamId || syn.streamId % 2 === 0) {
          this.send(rstStreamFrame(syn.streamId, RST_PROTOCOL_ERROR));
          return;
        }
        this.lastStreamId = syn.streamId;
        const s = new SpdyStream(this, syn.streamId, headers);
        this.streams.set(s.id, s);
        this.send(synReplyFrame(s.id, 0, this.compressor.compress({})));
        if (f.flags & FLAG_FIN) {
          s.remoteFin = true;
          s.push(null);
        }
        this.o.onStream(s);
        return;
      }
      case FrameType.Headers: {
        // Later headers carry nothing Kubernetes uses, but the zlib stream must still advance.
        await this.decompressor.decompress(parseStreamHeaders(f.payload).headerBlock);
        return;
      }
      case FrameType.SynReply:
        await this.decompressor.decompress(parseStreamHeaders(f.payload).headerBlock);
        return;
      case FrameType.RstStream: {
        const { streamId } = parseRstStream(f.payload);
        const s = this.streams.get(streamId);
        if (s === undefined) return;
        s.remoteFin = true;
        this.streams.delete(streamId);
        s.destroy();
        return;
      }
      case FrameType.Ping:
        // The client's pings (odd IDs) are echoed; a reply to ours would be even, and we send none.
        if (f.payload.readUInt32BE(0) % 2 === 1) this.send(pingFrame(f.payload.readUInt32BE(0)));
        return;
      case FrameType.GoAway:
        this.closed = true;
        for (const s of this.streams.values()) s.destroy();
        this.streams.clear();
        this.decompressor.close();
        this.o.onClose?.();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and unknown types: nothing to do (no flow control in use).
        return;
    }
  }
}
