import { describe, expect, it } from 'vitest';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  goAwayFrame,
  parseRstStream,
  parseStreamHeaders,
  parseSynStream,
  pingFrame,
  rstStreamFrame,
  synReplyFrame,
  synStreamFrame,
  type Frame,
} from './frames.js';

/** Feeds `bytes` in pieces of `step` bytes, as a transport may deliver them. */
function readAll(bytes: Buffer, step: number): Frame[] {
  const r = new FrameReader();
  const out: Frame[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(...r.push(bytes.subarray(i, i + step)));
  return out;
}

describe('SPDY/3.1 frames', () => {
  const syn = synStreamFrame({ streamId: 5, associatedTo: 0, priority: 2, headerBlock: Buffer.from('hdrs') }, FLAG_FIN);
  const wire = Buffer.concat([syn, dataFrame(5, 0, Buffer.from('payload')), dataFrame(5, FLAG_FIN, Buffer.alloc(0)), pingFrame(7), rstStreamFrame(5, 5), goAwayFrame(5, 0)]);

  it('lays out a control frame header as the spec says', () => {
    expect([...controlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 1]))]).toEqual([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
    expect([...dataFrame(3, FLAG_FIN, Buffer.from('a'))]).toEqual([0, 0, 0, 3, 1, 0, 0, 1, 0x61]);
  });

  it.each([1, 3, 8, 1000])('round-trips whatever the transport chunking (%i bytes at a time)', (step) => {
    const frames = readAll(wire, step);
    expect(frames.map((f) => (f.kind === 'data' ? ['data', f.streamId, f.flags, f.data.toString()] : [f.type, f.flags]))).toEqual([
      [FrameType.SynStream, FLAG_FIN],
      ['data', 5, 0, 'payload'],
      ['data', 5, FLAG_FIN, ''],
      [FrameType.Ping, 0],
      [FrameType.RstStream, 0],
      [FrameType.GoAway, 0],
    ]);
    const s = frames[0] as Extract<Frame, { kind: 'control' }>;
    expect(parseSynStream(s.payload)).toEqual({ streamId: 5, associatedTo: 0, priority: 2, headerBlock: Buffer.from('hdrs') });
    expect(parseRstStream((frames[4] as Extract<Frame, { kind: 'control' }>).payload)).toEqual({ streamId: 5, status: 5 });
  });

  it('parses SYN_REPLY', () => {
    const [f] = new FrameReader().push(synReplyFrame(9, 0, Buffer.from('x')));
    expect(parseStreamHeaders((f as Extract<Frame, { kind: 'control' }>).payload)).toEqual({ streamId: 9, headerBlock: Buffer.from('x') });
  });

  it('refuses another SPDY version', () => {
    const v2 = Buffer.from([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]);
    expect(() => new FrameReader().push(v2)).toThrow(/unsupported SPDY version 2/);
  });
});
