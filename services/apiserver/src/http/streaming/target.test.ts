import { describe, expect, it } from 'vitest';
import type { KObject } from '../../object.js';
import { chooseContainer, kubeletAddress } from './target.js';

const pod = (containers: string[], extra: { init?: string[]; annotation?: string } = {}): KObject => ({
  metadata: { name: 'p', annotations: extra.annotation ? { 'kubectl.kubernetes.io/default-container': extra.annotation } : {} },
  spec: { containers: containers.map((name) => ({ name })), initContainers: (extra.init ?? []).map((name) => ({ name })) },
});

describe('chooseContainer', () => {
  it.each([
    ['the only container', pod(['a']), null, 'a'],
    ['the named one', pod(['a', 'b']), 'b', 'b'],
    ['an init container by name', pod(['a'], { init: ['setup'] }), 'setup', 'setup'],
    ['the default-container annotation', pod(['a', 'b'], { annotation: 'b' }), null, 'b'],
  ])('picks %s', (_what, p, requested, want) => expect(chooseContainer(p, requested)).toBe(want));

  it.each([
    ['several containers and none named', pod(['a', 'b']), null, 'a container name must be specified for pod p, choose one of: [a b]'],
    ['init containers listed first', pod(['a', 'b'], { init: ['i'] }), null, 'a container name must be specified for pod p, choose one of: [i a b]'],
    ['an unknown name', pod(['a']), 'x', 'container x is not valid for pod p'],
    ['an annotation naming nothing', pod(['a', 'b'], { annotation: 'zz' }), null, 'a container name must be specified for pod p, choose one of: [a b]'],
  ])('refuses %s with 400', (_what, p, requested, message) => {
    expect(() => chooseContainer(p, requested)).toThrow(expect.objectContaining({ code: 400, message }) as Error);
  });
});

describe('kubeletAddress', () => {
  const node = (status: unknown): KObject => ({ metadata: { name: 'n' }, status });
  it.each([
    ['InternalIP and port', { addresses: [{ type: 'Hostname', address: 'n' }, { type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } }, '127.0.0.1:10250'],
    ['IPv6', { addresses: [{ type: 'InternalIP', address: '::1' }], daemonEndpoints: { kubeletEndpoint: { Port: 1 } } }, '[::1]:1'],
    ['no port', { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] }, undefined],
    ['port 0', { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 0 } } }, undefined],
    ['no address', { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } }, undefined],
  ])('%s', (_what, status, want) => expect(kubeletAddress(node(status))).toBe(want));
});
