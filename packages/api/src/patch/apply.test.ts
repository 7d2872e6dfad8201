import { describe, expect, it } from 'vitest';
import { applyConfiguration } from './apply.js';
import { PatchError } from './patch-error.js';
import type { JsonObject, JsonValue } from './json.js';
import { DEPLOYMENT, fakeRegistry, POD } from './testdata/fake-schema.js';

const reg = fakeRegistry();

const livePod = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', uid: 'u1', labels: { app: 'web', 'set-by': 'controller' }, finalizers: ['a.io/keep'] },
  spec: {
    restartPolicy: 'Always',
    containers: [
      { name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'injected', image: 'proxy' },
    ],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
    overhead: { cpu: '100m' },
  },
  status: { phase: 'Running' },
});

const pick = (o: JsonObject, path: string): JsonValue | undefined =>
  path.split('.').reduce<JsonValue | undefined>((v, k) => (v as JsonObject | undefined)?.[k], o);

describe('applyConfiguration', () => {
  it.each<[name: string, applied: JsonObject, path: string, want: JsonValue | undefined]>([
    ['labels merge: set ones win, others stay', { metadata: { labels: { app: 'web2', tier: 'fe' } } }, 'metadata.labels', { app: 'web2', 'set-by': 'controller', tier: 'fe' }],
    ['fields left out keep their live value', { metadata: { name: 'web' } }, 'status.phase', 'Running'],
    ['a scalar is replaced', { spec: { restartPolicy: 'Never' } }, 'spec.restartPolicy', 'Never'],
    ['null removes a field', { metadata: { labels: { 'set-by': null } } }, 'metadata.labels', { app: 'web' }],
    [
      'containers merge by name and keep live ones not mentioned',
      { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
      'spec.containers',
      [
        { name: 'app', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { name: 'injected', image: 'proxy' },
      ],
    ],
    [
      'env entries merge by name, new ones added',
      { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] }] } },
      'spec.containers.0.env',
      [{ name: 'A', value: '1' }, { name: 'B', value: '20' }, { name: 'C', value: '3' }],
    ],
    [
      'new containers follow the live ones, in applied order',
      { spec: { containers: [{ name: 'z', image: 'z' }, { name: 'app' }, { name: 'init', image: 'x' }] } },
      'spec.containers',
      [
        { name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { name: 'injected', image: 'proxy' },
        { name: 'z', image: 'z' },
        { name: 'init', image: 'x' },
      ],
    ],
    ['a port without its protocol matches the live one', { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }] }] } }, 'spec.containers.0.ports', [{ containerPort: 80, protocol: 'TCP', name: 'http' }]],
    ['an atomic list is replaced', { spec: { tolerations: [{ key: 'k2', operator: 'Exists' }] } }, 'spec.tolerations', [{ key: 'k2', operator: 'Exists' }]],
    ['a set list is replaced', { metadata: { finalizers: ['b.io/x'] } }, 'metadata.finalizers', ['b.io/x']],
    ['a raw field merges maps', { spec: { overhead: { memory: '1Mi' } } }, 'spec.overhead', { cpu: '100m', memory: '1Mi' }],
    ['nulls inside new elements are dropped', { spec: { containers: [{ name: 'new', image: null, env: [{ name: 'E', value: null }] }] } }, 'spec.containers.2', { name: 'new', env: [{ name: 'E' }] }],
  ])('%s', (_name, applied, path, want) => {
    expect(pick(applyConfiguration(reg, POD, livePod(), applied), path)).toEqual(want);
  });

  it('creates the object when there is none', () => {
    const applied: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { x: null } }, spec: { replicas: 2 } };
    expect(applyConfiguration(reg, DEPLOYMENT, undefined, applied)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: {} }, spec: { replicas: 2 } });
  });

  it("changes a deployment's replicas and keeps the rest", () => {
    const live = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation: 4 }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'a' }] } } } };
    expect(applyConfiguration(reg, DEPLOYMENT, live, { spec: { replicas: 3 } })).toEqual({ ...live, spec: { ...live.spec, replicas: 3 } });
  });

  it('does not modify its inputs and shares nothing with them', () => {
    const live = livePod();
    const applied: JsonObject = { spec: { containers: [{ name: 'app', env: [{ name: 'Z', value: '9' }] }, { name: 'new', args: ['x'] }] } };
    const snapshot = JSON.stringify({ live, applied });
    const out = applyConfiguration(reg, POD, live, applied) as any;
    expect(JSON.stringify({ live, applied })).toBe(snapshot);
    out.spec.containers[0].env[0].value = 'changed';
    out.spec.containers[2].args.push('y');
    expect(JSON.stringify({ live, applied })).toBe(snapshot);
  });

  it.each<[string, JsonValue, RegExp, string]>([
    ['a configuration that is not an object', ['x'], /apply configuration must be an object, got array/, 'BadRequest'],
    ['a keyed element without its key', { spec: { containers: [{ image: 'x' }] } }, /^\.spec\.containers: element 0: associative list with keys has an element that omits key field "name"$/, 'Invalid'],
    ['duplicate keyed elements', { spec: { containers: [{ name: 'a' }, { name: 'a' }] } }, /^\.spec\.containers: duplicate entries for key \[name="a"\]$/, 'Invalid'],
    ['a keyed element that is not an object', { spec: { containers: ['app'] } }, /element 0: expected an object/, 'Invalid'],
  ])('rejects %s', (_name, applied, message, reason) => {
    let caught: unknown;
    try {
      applyConfiguration(reg, POD, livePod(), applied);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PatchError);
    expect((caught as PatchError).message).toMatch(message);
    expect((caught as PatchError).reason).toBe(reason);
  });
});
