import { describe, expect, it } from 'vitest';
import { buildSubsets, resolvePort } from './endpoints.js';
import { pod } from './testing.js';
import type { Pod, Service } from './types.js';

const svc = (ports: Service['spec']['ports'], extra: Partial<Service['spec']> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports, ...extra },
});
const withPorts = (p: Pod, ports: Array<{ name?: string; containerPort: number; protocol?: string }>): Pod => ({ ...p, spec: { ...p.spec, containers: [{ name: 'c', ports }] } });

describe('Endpoints building', () => {
  it.each<[string, { targetPort?: number | string; port: number; protocol?: string }, Array<{ name?: string; containerPort: number; protocol?: string }>, number | undefined]>([
    ['numeric targetPort', { port: 80, targetPort: 8080 }, [], 8080],
    ['no targetPort means port', { port: 80 }, [], 80],
    ['named port', { port: 80, targetPort: 'http' }, [{ name: 'http', containerPort: 9000 }], 9000],
    ['named port of another protocol', { port: 53, targetPort: 'dns', protocol: 'UDP' }, [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }], undefined],
    ['named port missing', { port: 80, targetPort: 'http' }, [{ name: 'web', containerPort: 9000 }], undefined],
  ])('resolves %s', (_name, sp, ports, want) => expect(resolvePort(withPorts(pod(), ports), sp)).toBe(want));

  it('puts ready pods in addresses and the rest in notReadyAddresses, sorted by IP, skipping pods without IP, finished or terminating', () => {
    const pods = [
      pod({ name: 'b', ip: '10.0.0.10', node: 'n1' }),
      pod({ name: 'a', ip: '10.0.0.9', node: 'n2' }),
      pod({ name: 'c', ip: '10.0.0.11', ready: false }),
      pod({ name: 'noip' }),
      pod({ name: 'done', ip: '10.0.0.12', phase: 'Succeeded' }),
      pod({ name: 'going', ip: '10.0.0.13', deleting: true }),
    ];
    const subsets = buildSubsets(svc([{ name: 'http', port: 80, targetPort: 8080 }]), pods);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.0.0.9', nodeName: 'n2', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
          { ip: '10.0.0.10', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
        ],
        notReadyAddresses: [{ ip: '10.0.0.11', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('splits pods whose named ports resolve differently into subsets', () => {
    const pods = [withPorts(pod({ name: 'a', ip: '10.0.0.1' }), [{ name: 'http', containerPort: 8080 }]), withPorts(pod({ name: 'b', ip: '10.0.0.2' }), [{ name: 'http', containerPort: 9090 }]), withPorts(pod({ name: 'c', ip: '10.0.0.3' }), [])];
    const subsets = buildSubsets(svc([{ port: 80, targetPort: 'http' }]), pods);
    expect(subsets.map((s) => [s.ports?.[0]?.port, s.addresses?.map((a) => a.ip)])).toEqual([
      [8080, ['10.0.0.1']],
      [9090, ['10.0.0.2']],
    ]);
  });

  it('publishNotReadyAddresses lists unready and terminating pods as ready; headless services without ports still get addresses', () => {
    const pods = [pod({ name: 'a', ip: '10.0.0.1', ready: false }), pod({ name: 'b', ip: '10.0.0.2', deleting: true })];
    expect(buildSubsets(svc([{ port: 80 }], { publishNotReadyAddresses: true }), pods)[0]?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(buildSubsets(svc([], { clusterIP: 'None' }), pods)).toEqual([{ notReadyAddresses: [expect.objectContaining({ ip: '10.0.0.1' })] }]);
    expect(buildSubsets(svc([]), pods)).toEqual([]);
  });

  it('sets hostname when the pod names the service as its subdomain', () => {
    const p = pod({ name: 'web-0', ip: '10.0.0.1' });
    p.spec.hostname = 'web-0';
    p.spec.subdomain = 'web';
    expect(buildSubsets(svc([{ port: 80 }]), [p])[0]?.addresses?.[0]?.hostname).toBe('web-0');
  });
});
