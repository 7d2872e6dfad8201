import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.js';
import { f, kindStruct, mergeList, SchemaRegistry, struct, T } from './dsl.js';

const A = 'io.k8s.api.apps.v1';

const registry = new SchemaRegistry().add(
  kindStruct(`${A}.Deployment`, { spec: f(2, T.ref(`${A}.DeploymentSpec`)) }),
  struct(`${A}.DeploymentSpec`, {
    replicas: f(1, T.int32, { pointer: true, default: 1 }),
    strategy: f(4, T.ref(`${A}.DeploymentStrategy`), { default: {} }),
    template: f(3, T.ref(`${A}.PodSpec`)),
    revisionHistoryLimit: f(6, T.int32, { pointer: true, default: 10 }),
    byName: f(9, T.map(T.ref(`${A}.Container`))),
  }),
  struct(`${A}.DeploymentStrategy`, {
    type: f(1, T.enumOf('Recreate', 'RollingUpdate'), { default: 'RollingUpdate' }),
    rollingUpdate: f(2, T.ref(`${A}.RollingUpdate`)),
  }),
  struct(`${A}.RollingUpdate`, { maxSurge: f(2, T.intOrString, { default: '25%' }) }),
  struct(`${A}.PodSpec`, {
    containers: mergeList(2, T.ref(`${A}.Container`), 'name'),
    securityContext: f(14, T.ref(`${A}.SecurityContext`), { pointer: true }),
    nodeSelector: f(7, T.stringMap, { default: { os: 'linux' } }),
  }),
  struct(`${A}.Container`, {
    name: f(1, T.string),
    terminationMessagePath: f(13, T.string, { default: '/dev/termination-log' }),
  }),
  struct(`${A}.SecurityContext`, { runAsNonRoot: f(1, T.boolean, { default: false }) }),
);

const deploy = (spec: unknown): Record<string, unknown> => ({ apiVersion: 'apps/v1', kind: 'Deployment', spec });

describe('applyDefaults', () => {
  it.each<[string, unknown, unknown]>([
    [
      'fills absent fields and structs whose default is {}',
      deploy({}),
      deploy({ replicas: 1, strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10 }),
    ],
    ['keeps present values, zero ones included', deploy({ replicas: 0, strategy: { type: 'Recreate' } }), deploy({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 10 })],
    ['treats null as absent', deploy({ replicas: null, strategy: null }), deploy({ replicas: 1, strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10 })],
    [
      'recurses into present structs but creates no absent ones',
      deploy({ strategy: { rollingUpdate: {} }, template: {} }),
      deploy({ strategy: { rollingUpdate: { maxSurge: '25%' }, type: 'RollingUpdate' }, template: { nodeSelector: { os: 'linux' } }, replicas: 1, revisionHistoryLimit: 10 }),
    ],
    [
      'recurses into lists and maps of structs',
      deploy({ template: { containers: [{ name: 'a' }, { name: 'b', terminationMessagePath: '/x' }], securityContext: {} }, byName: { c: {} } }),
      deploy({
        template: { containers: [{ name: 'a', terminationMessagePath: '/dev/termination-log' }, { name: 'b', terminationMessagePath: '/x' }], securityContext: { runAsNonRoot: false }, nodeSelector: { os: 'linux' } },
        byName: { c: { terminationMessagePath: '/dev/termination-log' } },
        replicas: 1,
        strategy: { type: 'RollingUpdate' },
        revisionHistoryLimit: 10,
      }),
    ],
    ['leaves unknown fields and wrong shapes alone', deploy({ template: 'x', extra: { a: 1 }, byName: [1] }), deploy({ template: 'x', extra: { a: 1 }, byName: [1], replicas: 1, strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10 })],
    ['leaves a non-object alone', 'nope', 'nope'],
  ])('%s', (_name, input, expected) => {
    expect(applyDefaults(registry, `${A}.Deployment`, input)).toEqual(expected);
  });

  it('does not modify its input or share default values between results', () => {
    const input = deploy({ template: {} });
    const snapshot = structuredClone(input);
    const first = applyDefaults(registry, `${A}.Deployment`, input) as { spec: { template: { nodeSelector: Record<string, string> } } };
    first.spec.template.nodeSelector.os = 'windows';
    const second = applyDefaults(registry, `${A}.Deployment`, input) as typeof first;
    expect(input).toEqual(snapshot);
    expect(second.spec.template.nodeSelector).toEqual({ os: 'linux' });
  });
});
