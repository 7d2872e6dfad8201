import { describe, expect, it } from 'vitest';
import { CHANNEL_PROTOCOLS, CLOSE, decode, encode, negotiate, parseResize, STDIN, STDOUT } from './channels.js';
import { exitStatus } from './session.js';

describe('WebSocket channel frames', () => {
  it.each([
    [STDOUT, 'hello', [1, 104, 101, 108, 108, 111]],
    [STDIN, '', [0]],
    [CLOSE, Buffer.from([STDIN]), [255, 0]],
  ])('channel %i carries %j', (channel, data, bytes) => {
    const msg = encode(channel, data);
    expect([...msg]).toEqual(bytes);
    expect(decode(msg)).toEqual({ channel, data: Buffer.from(bytes.slice(1)) });
  });

  it('ignores an empty message', () => expect(decode(Buffer.alloc(0))).toBeUndefined());

  it.each([
    ['{"Width":80,"Height":24}', { width: 80, height: 24 }],
    ['{"Width":80}', undefined],
    ['not json', undefined],
  ])('resize %s', (text, want) => expect(parseResize(text)).toEqual(want));

  it.each([
    ['v5.channel.k8s.io', 'v5.channel.k8s.io'],
    ['v4.channel.k8s.io', 'v4.channel.k8s.io'],
    ['v4.channel.k8s.io, v5.channel.k8s.io', 'v5.channel.k8s.io'],
    ['channel.k8s.io,base64.channel.k8s.io', undefined],
    [undefined, undefined],
  ])('negotiates %j to %j', (offered, want) => expect(negotiate(offered, CHANNEL_PROTOCOLS)).toBe(want));
});

describe('exit status on the error channel', () => {
  it('is Success for 0', () => expect(exitStatus(0, ['true'])).toEqual({ metadata: {}, status: 'Success' }));
  it('carries the exit code as the NonZeroExitCode cause kubectl reads', () =>
    expect(exitStatus(3, ['sh', '-c', 'exit 3'])).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    }));
});
