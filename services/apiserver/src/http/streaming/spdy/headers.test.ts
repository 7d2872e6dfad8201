import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, SPDY3_DICTIONARY } from './dictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './headers.js';

/** Compresses blocks as Go's SPDY framer does: one zlib stream with the dictionary, sync-flushed per block. */
async function goStyleBlocks(blocks: Buffer[]): Promise<Buffer[]> {
  const d = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 });
  const out: Buffer[] = [];
  for (const b of blocks) {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer): number => chunks.push(c);
    d.on('data', onData);
    d.write(b);
    await new Promise<void>((resolve) => d.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((r) => setImmediate(r));
    d.off('data', onData);
    out.push(Buffer.concat(chunks));
  }
  d.close();
  return out;
}

describe('SPDY/3 header blocks', () => {
  it('uses the draft-3 dictionary (1423 bytes, adler32 e3c6a7c2 as kubectl announces)', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY3_DICTIONARY).toString(16)).toBe('e3c6a7c2');
  });

  it.each<SpdyHeaders>([{}, { streamtype: 'data', port: '80', requestid: '0' }, { 'x-long': 'v'.repeat(70_000) }])('encodes and decodes %#', (h) => {
    const raw = encodeHeaderBlock(h);
    expect(decodeHeaderBlock(raw)).toEqual({ headers: h, used: raw.length });
    expect(decodeHeaderBlock(raw.subarray(0, raw.length - 1))).toBeUndefined();
  });

  it('writes a zlib stream any inflater reads block by block', () => {
    const c = new HeaderCompressor();
    const blocks = ([{ a: '1' }, {}, { streamtype: 'error', port: '8080' }] as SpdyHeaders[]).map((h) => c.compress(h));
    const inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
    const got: Buffer[] = [];
    inflate.on('data', (d: Buffer) => got.push(d));
    return new Promise<void>((resolve) => {
      for (const b of blocks) inflate.write(b);
      inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        setImmediate(() => {
          const all = Buffer.concat(got);
          const first = decodeHeaderBlock(all);
          expect(first?.headers).toEqual({ a: '1' });
          const second = decodeHeaderBlock(all.subarray(first?.used));
          expect(second?.headers).toEqual({});
          expect(decodeHeaderBlock(all.subarray((first?.used ?? 0) + (second?.used ?? 0)))?.headers).toEqual({ streamtype: 'error', port: '8080' });
          inflate.close();
          resolve();
        });
      });
    });
  });

  it('reads blocks compressed the way kubectl compresses them, in order', async () => {
    const headers = [{ streamtype: 'error', port: '80', requestid: '0' }, { streamtype: 'data', port: '80', requestid: '0' }, { streamtype: 'data', port: '80', requestid: '1' }];
    const blocks = await goStyleBlocks(headers.map(encodeHeaderBlock));
    const d = new HeaderDecompressor();
    expect(await Promise.all(blocks.map((b) => d.decompress(b)))).toEqual(headers);
    d.close();
  });

  it('round-trips through its own compressor', async () => {
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    for (const h of [{ x: 'y' }, { x: 'y', z: '' }] as SpdyHeaders[]) expect(await d.decompress(c.compress(h))).toEqual(h);
    d.close();
  });
});
