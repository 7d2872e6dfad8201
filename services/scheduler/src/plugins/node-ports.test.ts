import { describe, expect, it } from 'vitest';
import type { Pod } from '../framework/objects.js';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { ERR_NODE_PORTS, nodePorts } from './node-ports.js';

const withPort = (name: string, hostPort: number, protocol = 'TCP', hostIP?: string): Pod =>
  makePod(name, { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, protocol, ...(hostIP ? { hostIP } : {}) }] }] });

describe('NodePorts', () => {
  it.each<[string, Pod[], Pod, boolean]>([
    ['free node', [], withPort('p', 8080), true],
    ['same port and protocol', [withPort('e', 8080)], withPort('p', 8080), false],
    ['same port, other protocol', [withPort('e', 8080, 'UDP')], withPort('p', 8080), true],
    ['other port', [withPort('e', 8081)], withPort('p', 8080), true],
    ['different specific IPs', [withPort('e', 8080, 'TCP', '10.0.0.1')], withPort('p', 8080, 'TCP', '10.0.0.2'), true],
    ['wildcard against a specific IP', [withPort('e', 8080, 'TCP', '10.0.0.1')], withPort('p', 8080), false],
    ['specific IP against a wildcard', [withPort('e', 8080)], withPort('p', 8080, 'TCP', '10.0.0.1'), false],
    ['containerPort without hostPort never conflicts', [withPort('e', 8080)], makePod('p', { containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }] }), true],
  ])('%s', (_name, existing, pod, fits) => {
    const s = nodePorts.filter(freshState(), info(pod), nodeWith(makeNode('n'), existing));
    expect(s.code).toBe(fits ? Code.Success : Code.Unschedulable);
    if (!fits) expect(s.reasons).toEqual([ERR_NODE_PORTS]);
  });

  it('frees the port when the pod leaves the node', () => {
    const existing = withPort('e', 8080);
    const node = nodeWith(makeNode('n'), [existing]);
    node.removePod(existing.metadata.uid as string);
    expect(nodePorts.filter(freshState(), info(withPort('p', 8080)), node).code).toBe(Code.Success);
  });
});
