/**
 * Kubernetes' channel protocols over WebSocket (`v4.channel.k8s.io`, `v5.channel.k8s.io`):
 * each binary message's first byte names the channel. v5 adds channel 255, by which the client
 * says it closed one of its streams (stdin).
 */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** Subprotocols we speak for exec/attach, best first. */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export function encode(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export function decode(message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0] as number, data: message.subarray(1) };
}

/** A resize message: `{"Width":80,"Height":24}`; undefined when malformed. */
export function parseResize(data: Buffer | string): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(data.toString()) as { Width?: unknown; Height?: unknown };
    if (typeof v.Width !== 'number' || typeof v.Height !== 'number') return undefined;
    return { width: v.Width, height: v.Height };
  } catch {
    return undefined;
  }
}

/** Picks our best protocol among those the client offered (`Sec-WebSocket-Protocol`, comma-separated). */
export function negotiate(offered: string | undefined, supported: string[]): string | undefined {
  const want = (offered ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  return supported.find((p) => want.includes(p));
}
