import { describe, expect, it } from 'vitest';
import { strategicMerge } from './strategic-merge.js';
import { PatchError } from './patch-error.js';
import type { JsonObject, JsonValue } from './json.js';
import { DEPLOYMENT, fakeRegistry, MERGE_ITEM, POD } from './testdata/fake-schema.js';

const reg = fakeRegistry();

type Case = [name: string, original: JsonObject, patch: JsonObject, want: JsonObject];

// Expectations of apimachinery's strategicpatch/patch_test.go (its MergeItem cases), as facts.
const apimachineryCases: Case[] = [
  ['unique scalars when merging lists', { mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }, { mergingIntList: [1, 2, 3] }],
  ['delete map from nested map', { simpleMap: { key1: '1', key2: '1' } }, { simpleMap: { $patch: 'delete' } }, { simpleMap: {} }],
  ['delete all items from merging list', { mergingList: [{ name: 1 }, { name: 2 }] }, { mergingList: [{ $patch: 'replace' }] }, { mergingList: [] }],
  ['merge empty merging lists', { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
  ['delete all keys from map', { name: 1, value: 1 }, { $patch: 'replace' }, {}],
  ['add key and delete all keys from map', { name: 1, value: 1 }, { other: 'a', $patch: 'replace' }, { other: 'a' }],
  [
    'delete all duplicate entries in a merging list',
    { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    { mergingList: [{ name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }] },
    { mergingList: [{ name: 2, value: 'a' }] },
  ],
  ['retainKeys map can add a field without a directive', { retainKeysMap: { name: 'foo' } }, { retainKeysMap: { value: 'bar' } }, { retainKeysMap: { name: 'foo', value: 'bar' } }],
  ['retainKeys map can delete a field without a directive', { retainKeysMap: { name: 'foo', value: 'a' } }, { retainKeysMap: { value: null } }, { retainKeysMap: { name: 'foo' } }],
  ['retainKeys map merges an empty map', { retainKeysMap: { name: 'foo', value: 'a' } }, { retainKeysMap: {} }, { retainKeysMap: { name: 'foo', value: 'a' } }],
  [
    'retainKeys list can change a field without a directive',
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  ],
  [
    'preserve the order from the patch in a merging list',
    { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] },
    { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }] },
  ],
  [
    'preserve the order from the patch in a merging list 2',
    { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] },
    { mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }] },
  ],
  ['preserve the order from the patch in a merging int list', { mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1, 2] }, { mergingIntList: [3, 1, 2] }],
  ['preserve the order from the patch in a merging int list 2', { mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }, { mergingIntList: [2, 3, 1] }],
  [
    '$setElementOrder names an item not in the list',
    { mergingList: [{ name: 1 }, { name: 3 }] },
    { '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
  ],
  ['$setElementOrder alone reorders an int list', { mergingIntList: [1, 3] }, { '$setElementOrder/mergingIntList': [3, 2, 1] }, { mergingIntList: [3, 1] }],
  ['$deleteFromPrimitiveList of a value not there', { mergingIntList: [1, 2] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }, { mergingIntList: [1, 2] }],
  ['$deleteFromPrimitiveList of a list not there', { foo: ['bar'] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }, { foo: ['bar'] }],
  ['$deleteFromPrimitiveList from a merge list', { mergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/mergingIntList': [2] }, { mergingIntList: [1, 3] }],
  ['$deleteFromPrimitiveList from a non-merge list', { nonMergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/nonMergingIntList': [2] }, { nonMergingIntList: [1, 3] }],
  // Three-way results: the patch kubectl computed, applied to the live ("current") object.
  [
    'three-way: nested patch merge with empty list',
    { name: 'hi', mergingList: [{ name: 'hello2' }] },
    { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }], mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
    { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  ],
  [
    'three-way: delete all duplicate items in lists of scalars',
    { mergingIntList: [1, 2, 3, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'three-way: add and delete items in lists of scalars',
    { mergingIntList: [1, 2, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2, 4], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'three-way: merge lists of maps',
    { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    {
      '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 4, value: 4 },
        { name: 3, value: 3 },
      ],
    },
    { mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] },
  ],
  [
    '$retainKeys drops the keys it does not list',
    { retainKeysMap: { name: 'foo', value: 'a', other: 'x' } },
    { retainKeysMap: { $retainKeys: ['name', 'value'], value: 'b' } },
    { retainKeysMap: { name: 'foo', value: 'b' } },
  ],
  ['a non-merge list is replaced', { nonMergingList: [{ name: 1 }, { name: 2 }] }, { nonMergingList: [{ name: 3 }] }, { nonMergingList: [{ name: 3 }] }],
  ['defined nulls for absent fields are dropped', { name: '2' }, { name: '1', value: '1', other: null }, { name: '1', value: '1' }],
];

const livePod = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', old: 'x' }, finalizers: ['a.io/keep'] },
  spec: {
    restartPolicy: 'Always',
    containers: [
      { name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
    ],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
    volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }],
    overhead: { cpu: '100m', memory: '10Mi' },
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc'] },
  },
  status: { phase: 'Running' },
});

const pick = (o: JsonObject, path: string): JsonValue | undefined =>
  path.split('.').reduce<JsonValue | undefined>((v, k) => (v as JsonObject | undefined)?.[k], o);

const podCases: [name: string, patch: JsonObject, path: string, want: JsonValue | undefined][] = [
  [
    'kubectl apply: labels changed and removed with null',
    { metadata: { labels: { old: null, tier: 'fe' } } },
    'metadata.labels',
    { app: 'web', tier: 'fe' },
  ],
  [
    'kubectl apply: containers by name with $setElementOrder, env added and removed, a container deleted',
    {
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'log' }],
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }],
            env: [{ name: 'C', value: '3' }, { $patch: 'delete', name: 'B' }],
          },
          { name: 'log', image: 'fluentbit' },
          { $patch: 'delete', name: 'sidecar' },
        ],
      },
    },
    'spec.containers',
    [
      { name: 'app', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'log', image: 'fluentbit' },
    ],
  ],
  [
    'kubectl apply: $setElementOrder reorders containers without changing them',
    { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] } },
    'spec.containers',
    [
      { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
      { name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
    ],
  ],
  [
    'kubectl apply: a removed field inside a container is null',
    { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }], containers: [{ name: 'sidecar', args: null }] } },
    'spec.containers.1',
    { name: 'sidecar', image: 'busybox' },
  ],
  ['$patch: delete of a container', { spec: { containers: [{ $patch: 'delete', name: 'app' }] } }, 'spec.containers', [{ name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] }]],
  [
    'a new container is inserted and patch order wins',
    { spec: { containers: [{ name: 'init', image: 'x' }] } },
    'spec.containers',
    [
      { name: 'init', image: 'x' },
      { name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
    ],
  ],
  ['$patch: replace in a list replaces it', { spec: { containers: [{ name: 'only', image: 'x', env: [{ name: 'E', value: null }] }, { $patch: 'replace' }] } }, 'spec.containers', [{ name: 'only', image: 'x', env: [{ name: 'E' }] }]],
  ['an atomic list of objects is replaced', { spec: { tolerations: [{ key: 'k2', operator: 'Equal', value: 'v' }] } }, 'spec.tolerations', [{ key: 'k2', operator: 'Equal', value: 'v' }]],
  ['an atomic list of strings is replaced', { spec: { containers: [{ name: 'sidecar', args: ['sleep', '1'] }] } }, 'spec.containers.1.args', ['sleep', '1']],
  ['finalizers (merge primitive list) take the union', { metadata: { finalizers: ['a.io/keep', 'b.io/new'] } }, 'metadata.finalizers', ['a.io/keep', 'b.io/new']],
  // apimachinery puts patch values before live ones that do not precede a patch value live.
  ['a finalizer added alone goes first', { metadata: { finalizers: ['b.io/new'] } }, 'metadata.finalizers', ['b.io/new', 'a.io/keep']],
  ['$deleteFromPrimitiveList removes a finalizer', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/keep'] } }, 'metadata.finalizers', []],
  [
    'finalizers added and removed in one kubectl patch',
    { metadata: { '$setElementOrder/finalizers': ['b.io/new'], finalizers: ['b.io/new'], '$deleteFromPrimitiveList/finalizers': ['a.io/keep'] } },
    'metadata.finalizers',
    ['b.io/new'],
  ],
  ['a raw field merges as JSON merge patch', { spec: { overhead: { cpu: null, gpu: '1', $patch: 'delete' } } }, 'spec.overhead', { memory: '10Mi', gpu: '1', $patch: 'delete' }],
  ['an unknown field merges maps', { spec: { extra: { a: { b: 1 } } } }, 'spec.extra', { a: { b: 1 } }],
  ['a replace-strategy struct is replaced whole', { spec: { dnsConfig: { searches: ['cluster.local'] } } }, 'spec.dnsConfig', { searches: ['cluster.local'] }],
  [
    'kubectl apply switching a volume source ($retainKeys in a merge,retainKeys list)',
    { spec: { '$setElementOrder/volumes': [{ name: 'data' }], volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'cm' }, emptyDir: null }] } },
    'spec.volumes',
    [{ name: 'data', configMap: { name: 'cm' } }],
  ],
  ['a whole map removed with null', { spec: { dnsConfig: null } }, 'spec.dnsConfig', undefined],
  ['a map type changed to a scalar is replaced', { status: 'gone' }, 'status', 'gone'],
  ['ports merge on containerPort', { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }] }] } }, 'spec.containers.0.ports', [{ containerPort: 80, protocol: 'TCP', name: 'http' }]],
];

describe('strategicMerge', () => {
  it.each(apimachineryCases)('%s', (_name, original, patch, want) => {
    expect(strategicMerge(reg, MERGE_ITEM, original, patch)).toEqual(want);
  });

  it.each(podCases)('pod: %s', (_name, patch, path, want) => {
    expect(pick(strategicMerge(reg, POD, livePod(), patch), path)).toEqual(want);
  });

  it('leaves the rest of the pod alone', () => {
    const out = strategicMerge(reg, POD, livePod(), { metadata: { labels: { tier: 'fe' } } });
    expect(out).toEqual({ ...livePod(), metadata: { ...livePod().metadata as JsonObject, labels: { app: 'web', old: 'x', tier: 'fe' } } });
  });

  it.each<[string, JsonObject, JsonObject]>([
    ['replicas changed', { spec: { replicas: 3 } }, { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }],
    [
      'strategy switched to Recreate with $retainKeys',
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      { replicas: 1, strategy: { type: 'Recreate' } },
    ],
    ['a template container image changed', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } }, { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }],
  ])('deployment: %s', (_name, patch, wantSpec) => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      },
    };
    const out = strategicMerge(reg, DEPLOYMENT, live, patch) as any;
    const { template, ...rest } = out.spec;
    expect(rest).toEqual(wantSpec);
    expect(template.spec.containers[0].name).toBe('app');
    expect(template.metadata.labels).toEqual({ app: 'd' });
  });

  it('creates from nothing', () => {
    expect(strategicMerge(reg, POD, undefined, { metadata: { name: 'x', labels: { a: null } }, spec: { containers: [{ name: 'c', $patch: 'delete' }] } })).toEqual({
      metadata: { name: 'x', labels: {} },
      spec: { containers: [] },
    });
  });

  it('does not modify its inputs and shares nothing with them', () => {
    const live = livePod();
    const patch: JsonObject = { spec: { containers: [{ name: 'new', env: [{ name: 'X', value: '1' }] }] }, metadata: { labels: { old: null } } };
    const snapshot = JSON.stringify({ live, patch });
    const out = strategicMerge(reg, POD, live, patch) as any;
    expect(JSON.stringify({ live, patch })).toBe(snapshot);
    out.spec.containers[0].env[0].value = 'changed';
    out.spec.containers[1].env[0].value = 'changed';
    expect(JSON.stringify({ live, patch })).toBe(snapshot);
  });

  it.each<[string, string, JsonObject, JsonValue, string | RegExp, string]>([
    ['a patch that is not an object', POD, {}, [] as JsonValue, 'invalid JSON document', 'BadRequest'],
    ['an unknown map directive', POD, {}, { metadata: { $patch: 'explode' } }, /^unknown patch type: "explode" in map/, 'BadRequest'],
    ['a $patch: merge list element', POD, livePod(), { spec: { containers: [{ $patch: 'merge', name: 'app' }] } }, 'merging lists cannot yet be specified in the patch', 'BadRequest'],
    ['a merge-list element without its key', MERGE_ITEM, { mergingList: [{ name: 1, value: 'a' }] }, { mergingList: [{ value: 'b' }] }, 'map: {"value":"b"} does not contain declared merge key: name', 'BadRequest'],
    ['a delete without the merge key', POD, livePod(), { spec: { containers: [{ $patch: 'delete' }] } }, /does not contain declared merge key: name/, 'BadRequest'],
    [
      'a $setElementOrder that disagrees with the patch list',
      MERGE_ITEM,
      { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
      { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      /doesn't match \$setElementOrder list/,
      'BadRequest',
    ],
    ['a $setElementOrder that disagrees with an int list', MERGE_ITEM, { mergingIntList: [1, 3, 2] }, { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] }, /doesn't match/, 'BadRequest'],
    ['a $setElementOrder that is not a list', POD, livePod(), { spec: { '$setElementOrder/containers': 'app' } }, 'invalid patch format of setElementOrder list', 'BadRequest'],
    ['a $deleteFromPrimitiveList that is not a list', POD, livePod(), { metadata: { '$deleteFromPrimitiveList/finalizers': 'a.io/keep' } }, 'invalid patch format of primitive list', 'BadRequest'],
    ['a $retainKeys that is not a list', MERGE_ITEM, {}, { retainKeysMap: { $retainKeys: 'name' } }, 'invalid patch format of retainKeys', 'BadRequest'],
    ['a key missing from $retainKeys', MERGE_ITEM, {}, { retainKeysMap: { $retainKeys: ['name'], value: 'v' } }, 'invalid patch format of retainKeys', 'BadRequest'],
    ['a list of lists in a merge list', MERGE_ITEM, { mergingIntList: [1] }, { mergingIntList: [[2]] }, 'lists of lists are not supported', 'Invalid'],
    ['mixed element kinds in a merge list', MERGE_ITEM, { mergingIntList: [1] }, { mergingIntList: ['2'] }, /^list element types are not identical/, 'Invalid'],
  ])('rejects %s', (_name, type, original, patch, message, reason) => {
    let caught: unknown;
    try {
      strategicMerge(reg, type, original, patch);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PatchError);
    expect((caught as PatchError).message).toMatch(message);
    expect((caught as PatchError).reason).toBe(reason);
  });
});
