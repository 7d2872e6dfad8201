/**
 * SPDY/3.1 framing, the subset Kubernetes' streaming protocols use (exec/attach over SPDY,
 * port-forward over SPDY or inside WebSocket messages). Header blocks stay opaque here;
 * headers.ts (de)compresses them. Layout: draft-mbelshe-httpbis-spdy-00 / SPDY/3.1, section 2.
 */

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const enum FrameType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;
export const RST_INTERNAL_ERROR = 6;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer };

const HEADER = 8;
const MAX_LENGTH = 0xffffff;

/**
 * Splits a byte stream into frames. Transport chunks (TCP reads, WebSocket messages) need not
 * line up with frames, so partial input is kept for the next push.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= HEADER) {
      const length = this.buf.readUIntBE(5, 3);
      if (this.buf.length < HEADER + length) break;
      const first = this.buf.readUInt32BE(0);
      const flags = this.buf[4] as number;
      const body = this.buf.subarray(HEADER, HEADER + length);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new Error(`unsupported SPDY version ${version}`);
        frames.push({ kind: 'control', type: first & 0xffff, flags, payload: Buffer.from(body) });
      } else {
        frames.push({ kind: 'data', streamId: first & 0x7fffffff, flags, data: Buffer.from(body) });
      }
      this.buf = this.buf.subarray(HEADER + length);
    }
    return frames;
  }
}

export function controlFrame(type: FrameType, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_LENGTH) throw new Error('SPDY control frame too large');
  const out = Buffer.alloc(HEADER + payload.length);
  out.writeUInt32BE((0x80000000 | (SPDY_VERSION << 16) | type) >>> 0, 0);
  out.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
  payload.copy(out, HEADER);
  return out;
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  if (data.length > MAX_LENGTH) throw new Error('SPDY data frame too large');
  const out = Buffer.alloc(HEADER + data.length);
  out.writeUInt32BE(streamId & 0x7fffffff, 0);
  out.writeUInt32BE(((flags << 24) | data.length) >>> 0, 4);
  data.copy(out, HEADER);
  return out;
}

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};

export interface SynStream {
  streamId: number;
  associatedTo: number;
  priority: number;
  headerBlock: Buffer;
}

export function parseSynStream(payload: Buffer): SynStream {
  if (payload.length < 10) throw new Error('short SYN_STREAM');
  return {
    streamId: payload.readUInt32BE(0) & 0x7fffffff,
    associatedTo: payload.readUInt32BE(4) & 0x7fffffff,
    priority: (payload[8] as number) >> 5,
    headerBlock: payload.subarray(10),
  };
}

export function synStreamFrame(s: SynStream, flags: number): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(s.streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE(s.associatedTo & 0x7fffffff, 4);
  fixed[8] = (s.priority & 0x7) << 5;
  return controlFrame(FrameType.SynStream, flags, Buffer.concat([fixed, s.headerBlock]));
}

/** SYN_REPLY and HEADERS share a layout: stream ID, then the header block. */
export function parseStreamHeaders(payload: Buffer): { streamId: number; headerBlock: Buffer } {
  if (payload.length < 4) throw new Error('short SYN_REPLY/HEADERS');
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(4) };
}

export const synReplyFrame = (streamId: number, flags: number, headerBlock: Buffer): Buffer =>
  controlFrame(FrameType.SynReply, flags, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));

export const rstStreamFrame = (streamId: number, status: number): Buffer => controlFrame(FrameType.RstStream, 0, u32(streamId & 0x7fffffff, status));

export const parseRstStream = (payload: Buffer): { streamId: number; status: number } => ({
  streamId: payload.readUInt32BE(0) & 0x7fffffff,
  status: payload.readUInt32BE(4),
});

export const pingFrame = (id: number): Buffer => controlFrame(FrameType.Ping, 0, u32(id));

export const goAwayFrame = (lastGoodStreamId: number, status: number): Buffer => controlFrame(FrameType.GoAway, 0, u32(lastGoodStreamId & 0x7fffffff, status));

export const windowUpdateFrame = (streamId: number, delta: number): Buffer => controlFrame(FrameType.WindowUpdate, 0, u32(streamId & 0x7fffffff, delta & 0x7fffffff));
