import { describe, expect, it } from 'vitest';
import { dataFrame, FLAG_FIN, FrameReader, FrameType, parseRstStream, parseStreamHeaders, pingFrame, rstStreamFrame, synStreamFrame, type Frame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor } from './headers.js';
import { SpdySession, type SpdyStream } from './session.js';

/** A scripted client: compresses its own header blocks and records what the server writes. */
function harness() {
  const out = new FrameReader();
  const written: Frame[] = [];
  const streams: SpdyStream[] = [];
  const compressor = new HeaderCompressor();
  let closed: { err?: Error } | undefined;
  const session = new SpdySession({
    write: (b) => {
      written.push(...out.push(b));
      return true;
    },
    onStream: (s) => streams.push(s),
    onClose: (err) => (closed = { err }),
  });
  const open = (id: number, headers: Record<string, string>, flags = 0): void =>
    session.receive(synStreamFrame({ streamId: id, associatedTo: 0, priority: 0, headerBlock: compressor.compress(headers) }, flags));
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
  return { session, written, streams, open, settle, closed: () => closed };
}

const control = (f: Frame | undefined): Extract<Frame, { kind: 'control' }> => f as Extract<Frame, { kind: 'control' }>;

describe('SpdySession', () => {
  it('replies to each stream the client opens and hands it over with its headers', async () => {
    const h = harness();
    h.open(1, { streamtype: 'error', port: '80', requestid: '0' }, FLAG_FIN);
    h.open(3, { streamtype: 'data', port: '80', requestid: '0' });
    await h.settle();
    expect(h.streams.map((s) => [s.id, s.headers])).toEqual([
      [1, { streamtype: 'error', port: '80', requestid: '0' }],
      [3, { streamtype: 'data', port: '80', requestid: '0' }],
    ]);
    const replies = h.written.filter((f) => f.kind === 'control' && f.type === FrameType.SynReply).map((f) => parseStreamHeaders(control(f).payload));
    expect(replies.map((r) => r.streamId)).toEqual([1, 3]);
    const d = new HeaderDecompressor();
    expect(await d.decompress(replies[0]?.headerBlock as Buffer)).toEqual({});
    d.close();
  });

  it('delivers DATA in order, ends the readable side at FIN, and sends our DATA and FIN', async () => {
    const h = harness();
    h.open(1, { streamtype: 'data' });
    h.session.receive(Buffer.concat([dataFrame(1, 0, Buffer.from('ab')), dataFrame(1, FLAG_FIN, Buffer.from('c'))]));
    await h.settle();
    const s = h.streams[0] as SpdyStream;
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    await new Promise((r) => s.once('end', r));
    expect(got).toBe('abc');
    s.end('reply');
    await h.settle();
    const data = h.written.filter((f) => f.kind === 'data');
    expect(data.map((f) => (f.kind === 'data' ? [f.streamId, f.flags, f.data.toString()] : []))).toEqual([
      [1, 0, 'reply'],
      [1, FLAG_FIN, ''],
    ]);
    expect(h.session.openStreams).toBe(0);
  });

  it('echoes client pings and resets DATA for unknown streams', async () => {
    const h = harness();
    h.session.receive(Buffer.concat([pingFrame(1), dataFrame(9, 0, Buffer.from('x'))]));
    await h.settle();
    expect(h.written.map((f) => control(f).type)).toEqual([FrameType.Ping, FrameType.RstStream]);
    expect(control(h.written[0]).payload.readUInt32BE(0)).toBe(1);
    expect(parseRstStream(control(h.written[1]).payload).streamId).toBe(9);
  });

  it('destroys a stream the client resets', async () => {
    const h = harness();
    h.open(1, { streamtype: 'data' });
    await h.settle();
    const s = h.streams[0] as SpdyStream;
    const closed = new Promise((r) => s.on('close', r));
    h.session.receive(rstStreamFrame(1, 5));
    await closed;
    expect(s.destroyed).toBe(true);
  });

  it('refuses stream IDs that do not increase', async () => {
    const h = harness();
    h.open(3, {});
    h.open(1, {});
    await h.settle();
    expect(h.streams.map((s) => s.id)).toEqual([3]);
    expect(h.written.filter((f) => f.kind === 'control' && f.type === FrameType.RstStream).map((f) => parseRstStream(control(f).payload).streamId)).toEqual([1]);
  });

  it('ends on GOAWAY and on garbage', async () => {
    const h = harness();
    h.session.receive(Buffer.from([0x80, 0x03, 0x00, 0x07, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]));
    await h.settle();
    expect(h.closed()).toEqual({ err: undefined });
    const g = harness();
    g.session.receive(Buffer.from([0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0]));
    expect(g.closed()?.err?.message).toMatch(/unsupported SPDY version/);
  });

  it('holds writes back while the transport is full, and resumes when it drains', async () => {
    let full = false;
    let frames = 0;
    const streams: SpdyStream[] = [];
    const session = new SpdySession({
      write: () => {
        frames++;
        return !full;
      },
      onStream: (s) => streams.push(s),
    });
    session.receive(synStreamFrame({ streamId: 1, associatedTo: 0, priority: 0, headerBlock: new HeaderCompressor().compress({}) }, 0));
    await new Promise((r) => setTimeout(r, 20));
    const s = streams[0] as SpdyStream;
    full = true;
    const chunk = Buffer.alloc(8 * 1024);
    let accepted = 0;
    while (s.write(chunk)) accepted++;
    // The first write hit the full transport; everything after waits in the stream's own small buffer.
    expect(accepted).toBeLessThan(4);
    const sentWhileFull = frames;
    const drained = new Promise((r) => s.once('drain', r));
    full = false;
    session.transportDrained();
    await drained;
    expect(frames).toBeGreaterThan(sentWhileFull);
  });
});
