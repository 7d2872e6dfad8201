import { describe, expect, it } from 'vitest';
import { commandLine, ContainerConfigError, resolveEnv, type ConfigSource } from './env.js';
import type { Container, Pod } from './types.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const source: ConfigSource = {
  configMap: (ns, name) =>
    ns === 'prod' && name === 'app-config'
      ? { metadata: { name, namespace: ns }, data: { LOG_LEVEL: 'debug', 'bad=key': 'x', mode: 'fast' } }
      : undefined,
  secret: (ns, name) => (ns === 'prod' && name === 'db' ? { metadata: { name, namespace: ns }, data: { password: b64('s3cr=t') } } : undefined),
};

function pod(c: Partial<Container>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'prod', uid: 'uid-1', labels: { app: 'web' }, annotations: { 'team/owner': 'ops' } },
    spec: {
      nodeName: 'node-1',
      serviceAccountName: 'builder',
      containers: [{ name: 'app', image: 'busybox', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } }, ...c }],
    },
  };
}

const ctx = { field: { pod: pod({}), hostIP: '127.0.0.1', podIP: '10.1.0.5' }, node: { cpuMillis: 4000n, memoryBytes: 8n << 30n, ephemeralStorageBytes: 0n }, source };

function env(c: Partial<Container>): Record<string, string> {
  const p = pod(c);
  return Object.fromEntries(resolveEnv(p, p.spec.containers[0] as Container, { ...ctx, field: { ...ctx.field, pod: p } }).env);
}

describe('resolveEnv', () => {
  it.each([
    ['plain value', [{ name: 'A', value: 'x' }], { A: 'x' }],
    ['expansion of earlier vars, $$ escape, unknown kept', [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-$$(A)-$(C)' }], { A: 'x', B: 'x-$(A)-$(C)' }],
    ['later vars are not seen', [{ name: 'B', value: '$(A)' }, { name: 'A', value: 'x' }], { B: '$(A)', A: 'x' }],
    [
      'fieldRef paths',
      [
        { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'U', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'AN', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team/owner']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'PIP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'PIPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'HIP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      ],
      { N: 'web-0', NS: 'prod', U: 'uid-1', L: 'web', AN: 'ops', NODE: 'node-1', SA: 'builder', PIP: '10.1.0.5', PIPS: '10.1.0.5', HIP: '127.0.0.1' },
    ],
    [
      'resourceFieldRef with divisors and node fallback',
      [
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
        { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
        { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      ],
      { MEM_MI: '64', MEM: String(64 * 1024 * 1024), CPU_REQ_M: '250', CPU_REQ: '1', CPU_LIM: '4', MEM_REQ: '0' },
    ],
    [
      'configMapKeyRef and secretKeyRef (secret decoded, not expanded)',
      [
        { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
        { name: 'OPTKEY', valueFrom: { secretKeyRef: { name: 'db', key: 'nope', optional: true } } },
      ],
      { LVL: 'debug', PW: 's3cr=t' },
    ],
  ] as const)('%s', (_name, vars, want) => {
    expect(env({ env: vars as unknown as Container['env'] })).toEqual(want);
  });

  it('envFrom comes first, with its prefix; env overrides it; invalid names are skipped with a warning', () => {
    const p = pod({
      envFrom: [{ configMapRef: { name: 'app-config' }, prefix: 'CFG_' }, { secretRef: { name: 'db' } }, { configMapRef: { name: 'gone', optional: true } }],
      env: [{ name: 'CFG_mode', value: 'slow-$(CFG_LOG_LEVEL)' }],
    });
    const r = resolveEnv(p, p.spec.containers[0] as Container, { ...ctx, field: { ...ctx.field, pod: p } });
    expect(Object.fromEntries(r.env)).toEqual({ CFG_LOG_LEVEL: 'debug', CFG_mode: 'slow-debug', password: 's3cr=t' });
    expect(r.warnings).toEqual(['Keys [CFG_bad=key] from the EnvFrom configmap prod/app-config were skipped since they are considered invalid environment variable names.']);
  });

  it.each([
    ['missing configmap', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, 'configmap "nope" not found'],
    ['missing key', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'k' } } }] }, "couldn't find key k in ConfigMap prod/app-config"],
    ['missing secret', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, 'secret "nope" not found'],
    ['missing secret key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } }] }, "couldn't find key user in Secret prod/db"],
    ['missing envFrom secret', { envFrom: [{ secretRef: { name: 'other' } }] }, 'secret "other" not found'],
  ] as const)('%s → CreateContainerConfigError', (_name, c, message) => {
    expect(() => env(c as unknown as Partial<Container>)).toThrow(new ContainerConfigError(message));
  });
});

describe('commandLine', () => {
  const image = { entrypoint: ['/entry'], cmd: ['--default'] };
  const vars = new Map([['NAME', 'world']]);
  it.each([
    ['image defaults', {}, ['/entry', '--default']],
    ['args replace cmd', { args: ['hello', '$(NAME)'] }, ['/entry', 'hello', 'world']],
    ['command replaces entrypoint and drops cmd', { command: ['sh', '-c', 'echo $(NAME) $$HOME'] }, ['sh', '-c', 'echo world $HOME']],
    ['command and args', { command: ['echo'], args: ['$(NAME)', '$(OTHER)'] }, ['echo', 'world', '$(OTHER)']],
  ] as const)('%s', (_name, c, want) => {
    expect(commandLine(image, c as Pick<Container, 'command' | 'args'>, vars)).toEqual(want);
  });
});
