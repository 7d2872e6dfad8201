import zlib from 'node:zlib';
import { adler32, SPDY3_DICTIONARY } from './dictionary.js';

/** SPDY/3 header names and values (lowercase names; several values of one name joined by NUL). */
export type SpdyHeaders = Record<string, string>;

/** The uncompressed name/value block: a 32-bit count, then length-prefixed names and values. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(headers);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [k, v] of entries) {
    for (const s of [k.toLowerCase(), v]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** Parses one block from the start of `buf`; undefined while it is incomplete. */
export function decodeHeaderBlock(buf: Buffer): { headers: SpdyHeaders; used: number } | undefined {
  if (buf.length < 4) return undefined;
  const count = buf.readUInt32BE(0);
  let off = 4;
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const pair: string[] = [];
    for (let j = 0; j < 2; j++) {
      if (buf.length < off + 4) return undefined;
      const len = buf.readUInt32BE(off);
      off += 4;
      if (buf.length < off + len) return undefined;
      pair.push(buf.toString('utf8', off, off + len));
      off += len;
    }
    headers[(pair[0] as string).toLowerCase()] = pair[1] as string;
  }
  return { headers, used: off };
}

/**
 * Compresses header blocks as one zlib stream per direction, as SPDY requires. Our blocks are
 * few and tiny, so they go out as stored (uncompressed) deflate blocks: still a valid zlib
 * stream with the SPDY dictionary announced, readable by any inflater, and synchronous.
 */
export class HeaderCompressor {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window); FLG 0x20 sets FDICT and makes (CMF*256+FLG) % 31 == 0.
      const head = Buffer.from([0x78, 0x20, 0, 0, 0, 0]);
      head.writeUInt32BE(adler32(SPDY3_DICTIONARY), 2);
      parts.push(head);
    }
    for (let off = 0; off === 0 || off < raw.length; off += 0xffff) {
      const chunk = raw.subarray(off, off + 0xffff);
      const hdr = Buffer.alloc(5);
      hdr[0] = 0; // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary
      hdr.writeUInt16LE(chunk.length, 1);
      hdr.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(hdr, chunk);
    }
    // An empty stored block is zlib's sync-flush marker: without it an inflater (Go's) reads on
    // past this frame's header block looking for the next deflate block, and fails.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/**
 * Inflates the peer's header blocks: one zlib stream for the whole session, so blocks must be
 * fed in arrival order; each call resolves with the block that frame carried.
 */
export class HeaderDecompressor {
  private readonly inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private out: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (h: SpdyHeaders) => void; reject: (e: Error) => void }> = [];
  private failed: Error | undefined;

  constructor() {
    this.inflate.on('data', (d: Buffer) => {
      this.out = Buffer.concat([this.out, d]);
      this.drain();
    });
    this.inflate.on('error', (err) => {
      this.failed = err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    });
  }

  decompress(block: Buffer): Promise<SpdyHeaders> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.inflate.write(block);
      this.inflate.flush(zlib.constants.Z_SYNC_FLUSH);
    });
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const parsed = decodeHeaderBlock(this.out);
      if (parsed === undefined) return;
      this.out = this.out.subarray(parsed.used);
      this.waiting.shift()?.resolve(parsed.headers);
    }
  }

  close(): void {
    this.inflate.close();
  }
}
