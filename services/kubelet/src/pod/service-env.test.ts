import { describe, expect, it } from 'vitest';
import { resolveEnv } from './env.js';
import { serviceEnv, type Service } from './service-env.js';
import type { Container, Pod } from './types.js';

const svc = (namespace: string, name: string, spec: Service['spec']): Service => ({ metadata: { namespace, name }, spec });
const all: Service[] = [
  svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
  svc('web', 'redis-master', { clusterIP: '10.96.0.11', ports: [{ port: 6379 }] }),
  svc('web', 'api', { clusterIP: '10.96.0.12', ports: [{ name: 'http', port: 80 }, { name: 'grpc-port', port: 9090, protocol: 'TCP' }] }),
  svc('web', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
  svc('web', 'external', { type: 'ExternalName', ports: [{ port: 80 }] }),
  svc('other', 'elsewhere', { clusterIP: '10.96.0.13', ports: [{ port: 1 }] }),
];
const byNs = (ns: string): Service[] => all.filter((s) => s.metadata.namespace === ns);

describe('serviceEnv', () => {
  it('gives Kubernetes’ variables for the namespace’s services and the kubernetes service', () => {
    const env = Object.fromEntries(serviceEnv('web', undefined, byNs));
    expect(env).toEqual({
      API_SERVICE_HOST: '10.96.0.12',
      API_SERVICE_PORT: '80',
      API_SERVICE_PORT_HTTP: '80',
      API_SERVICE_PORT_GRPC_PORT: '9090',
      API_PORT: 'tcp://10.96.0.12:80',
      API_PORT_80_TCP: 'tcp://10.96.0.12:80',
      API_PORT_80_TCP_PROTO: 'tcp',
      API_PORT_80_TCP_PORT: '80',
      API_PORT_80_TCP_ADDR: '10.96.0.12',
      API_PORT_9090_TCP: 'tcp://10.96.0.12:9090',
      API_PORT_9090_TCP_PROTO: 'tcp',
      API_PORT_9090_TCP_PORT: '9090',
      API_PORT_9090_TCP_ADDR: '10.96.0.12',
      REDIS_MASTER_SERVICE_HOST: '10.96.0.11',
      REDIS_MASTER_SERVICE_PORT: '6379',
      REDIS_MASTER_PORT: 'tcp://10.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP: 'tcp://10.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_MASTER_PORT_6379_TCP_PORT: '6379',
      REDIS_MASTER_PORT_6379_TCP_ADDR: '10.96.0.11',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    });
  });

  it('with enableServiceLinks false only the kubernetes service is given', () => {
    expect([...serviceEnv('web', false, byNs).keys()].every((k) => k.startsWith('KUBERNETES_'))).toBe(true);
  });

  it('fills in only what the container does not define, and $(VAR) sees them', () => {
    const container: Container = { name: 'c', image: 'x', env: [{ name: 'API_SERVICE_HOST', value: 'mine' }, { name: 'URL', value: 'http://$(REDIS_MASTER_SERVICE_HOST):$(REDIS_MASTER_SERVICE_PORT)' }] };
    const pod: Pod = { metadata: { name: 'p', namespace: 'web' }, spec: { containers: [container] } };
    const { env } = resolveEnv(pod, container, {
      field: { pod, hostIP: '127.0.0.1' },
      node: { cpuMillis: 1000n, memoryBytes: 1n, ephemeralStorageBytes: 0n },
      source: { configMap: () => undefined, secret: () => undefined, services: byNs },
    });
    expect(env.get('API_SERVICE_HOST')).toBe('mine');
    expect(env.get('URL')).toBe('http://10.96.0.11:6379');
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
  });
});
