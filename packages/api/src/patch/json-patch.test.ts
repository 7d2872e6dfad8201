import { describe, expect, it } from 'vitest';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
import { PatchError } from './patch-error.js';
import type { JsonValue } from './json.js';

const pod = (): JsonValue => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', 'a/b': 'slash', 'm~n': 'tilde' } },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
});

describe('applyJsonPatch applies', () => {
  it.each<[string, unknown[], (doc: any) => unknown, unknown]>([
    ['add a label', [{ op: 'add', path: '/metadata/labels/tier', value: 'fe' }], (d) => d.metadata.labels.tier, 'fe'],
    ['replace a label whose key has a slash (~1)', [{ op: 'replace', path: '/metadata/labels/a~1b', value: 'x' }], (d) => d.metadata.labels['a/b'], 'x'],
    ['remove a label whose key has a slash', [{ op: 'remove', path: '/metadata/labels/a~1b' }], (d) => 'a/b' in d.metadata.labels, false],
    ['decode ~01 as ~1, not /', [{ op: 'add', path: '/metadata/labels/x~01y', value: 'z' }], (d) => d.metadata.labels['x~1y'], 'z'],
    ['address a key with a tilde (~0)', [{ op: 'replace', path: '/metadata/labels/m~0n', value: 'y' }], (d) => d.metadata.labels['m~n'], 'y'],
    ['append with -', [{ op: 'add', path: '/spec/containers/-', value: { name: 'c3' } }], (d) => d.spec.containers.map((c: any) => c.name), ['app', 'sidecar', 'c3']],
    ['insert at an index', [{ op: 'add', path: '/spec/containers/0', value: { name: 'init' } }], (d) => d.spec.containers.map((c: any) => c.name), ['init', 'app', 'sidecar']],
    ['insert at the end index', [{ op: 'add', path: '/spec/containers/2', value: { name: 'last' } }], (d) => d.spec.containers[2].name, 'last'],
    ['remove an element', [{ op: 'remove', path: '/spec/containers/0' }], (d) => d.spec.containers.map((c: any) => c.name), ['sidecar']],
    ['remove with a negative index', [{ op: 'remove', path: '/spec/containers/-1' }], (d) => d.spec.containers.map((c: any) => c.name), ['app']],
    ['replace an image', [{ op: 'replace', path: '/spec/containers/1/image', value: 'alpine' }], (d) => d.spec.containers[1].image, 'alpine'],
    // The apiserver's json-patch lets replace create a missing object member.
    ['replace a missing member', [{ op: 'replace', path: '/metadata/namespace', value: 'prod' }], (d) => d.metadata.namespace, 'prod'],
    ['add without value writes null', [{ op: 'add', path: '/metadata/x' }], (d) => d.metadata.x, null],
    ['move a member', [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }], (d) => d.metadata.labels, { 'a/b': 'slash', 'm~n': 'tilde', name: 'web' }],
    ['move an element', [{ op: 'move', from: '/spec/containers/1', path: '/spec/containers/0' }], (d) => d.spec.containers.map((c: any) => c.name), ['sidecar', 'app']],
    ['copy a value', [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' }], (d) => d.spec.containers[2], { name: 'app', image: 'nginx:1.25' }],
    ['pass a test then act', [{ op: 'test', path: '/metadata/name', value: 'web' }, { op: 'replace', path: '/metadata/name', value: 'w2' }], (d) => d.metadata.name, 'w2'],
    ['test a whole object', [{ op: 'test', path: '/spec/containers/0', value: { image: 'nginx:1.25', name: 'app' } }], (d) => d.spec.containers.length, 2],
    ['test an absent member against null', [{ op: 'test', path: '/metadata/namespace', value: null }], (d) => d.metadata.name, 'web'],
    ['replace the whole document', [{ op: 'replace', path: '', value: { kind: 'Other' } }], (d) => d, { kind: 'Other' }],
    ['set a member on the root', [{ op: 'add', path: '/status', value: { phase: 'Running' } }], (d) => d.status.phase, 'Running'],
    ['apply nothing for an empty patch', [], (d) => d.metadata.name, 'web'],
  ])('%s', (_name, ops, pick, want) => {
    expect(pick(applyJsonPatch(pod(), ops))).toEqual(want);
  });

  it('does not modify the document or the patch', () => {
    const doc = pod();
    const ops = [
      { op: 'add', path: '/spec/containers/-', value: { name: 'x', env: [] } },
      { op: 'add', path: '/spec/containers/2/env/-', value: { name: 'A' } },
    ];
    const before = JSON.stringify({ doc, ops });
    const out = applyJsonPatch(doc, ops) as any;
    expect(JSON.stringify({ doc, ops })).toBe(before);
    expect(out.spec.containers[2]).toEqual({ name: 'x', env: [{ name: 'A' }] });
    expect(out).not.toBe(doc);
  });

  it('copies rather than aliases', () => {
    const out = applyJsonPatch({ a: { v: 1 } }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'replace', path: '/b/v', value: 2 },
    ]);
    expect(out).toEqual({ a: { v: 1 }, b: { v: 2 } });
  });
});

describe('applyJsonPatch rejects', () => {
  it.each<[string, unknown, string, string]>([
    ['a failing test', [{ op: 'test', path: '/metadata/labels/app', value: 'db' }], 'testing value /metadata/labels/app failed: test failed', 'Invalid'],
    ['a test of a missing member', [{ op: 'test', path: '/metadata/labels/zzz', value: 'x' }], 'testing value /metadata/labels/zzz failed: test failed', 'Invalid'],
    ['a test below a missing path', [{ op: 'test', path: '/status/phase', value: 'x' }], 'test operation does not apply: is missing path: /status/phase: missing value', 'Invalid'],
    ['an add below a missing path', [{ op: 'add', path: '/status/phase', value: 'x' }], 'add operation does not apply: doc is missing path: "/status/phase": missing value', 'Invalid'],
    ['a remove of a missing member', [{ op: 'remove', path: '/metadata/labels/zzz' }], "error in remove for path: '/metadata/labels/zzz': Unable to remove nonexistent key: zzz: missing value", 'Invalid'],
    ['a remove below a missing path', [{ op: 'remove', path: '/status/phase' }], 'remove operation does not apply: doc is missing path: "/status/phase": missing value', 'Invalid'],
    ['a remove past the end', [{ op: 'remove', path: '/spec/containers/5' }], "error in remove for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced", 'Invalid'],
    ['a replace past the end', [{ op: 'replace', path: '/spec/containers/2', value: {} }], 'replace operation does not apply: doc is missing key: /spec/containers/2: missing value', 'Invalid'],
    ['an add past the end', [{ op: 'add', path: '/spec/containers/3', value: {} }], "error in add for path: '/spec/containers/3': Unable to access invalid index: 3: invalid index referenced", 'Invalid'],
    ['an add with a word for an index', [{ op: 'add', path: '/spec/containers/x', value: {} }], `error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`, 'Invalid'],
    ['an add to the whole document', [{ op: 'add', path: '', value: {} }], 'add operation does not apply: doc is missing path: "": missing value', 'Invalid'],
    ['a pointer without a leading slash', [{ op: 'add', path: 'metadata/x', value: 1 }], 'add operation does not apply: doc is missing path: "metadata/x": missing value', 'Invalid'],
    ['a move from a missing member', [{ op: 'move', from: '/metadata/zzz', path: '/metadata/y' }], "error in move for path: '/metadata/zzz': Unable to remove nonexistent key: zzz: missing value", 'Invalid'],
    ['a copy from a missing member', [{ op: 'copy', from: '/metadata/zzz', path: '/metadata/y' }], 'copy operation does not apply: doc is missing from path: /metadata/zzz: missing value', 'Invalid'],
    ['a copy to a missing path', [{ op: 'copy', from: '/metadata/name', path: '/x/y' }], 'copy operation does not apply: doc is missing destination path: /x/y: missing value', 'Invalid'],
    ['an unknown op', [{ op: 'merge', path: '/a' }], 'Unexpected kind: merge', 'Invalid'],
    ['an op without op', [{ path: '/a' }], 'Unexpected kind: unknown', 'Invalid'],
    ['an op without path', [{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value', 'Invalid'],
    ['a replace without path', [{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value', 'Invalid'],
    ['a move without from', [{ op: 'move', path: '/a' }], 'move operation failed to decode from: operation, missing from field: missing value', 'Invalid'],
    ['a root replace with a scalar', [{ op: 'replace', path: '', value: 3 }], 'replace operation value must be object or array', 'Invalid'],
    ['a patch that is not a list', { op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch', 'BadRequest'],
    ['an operation that is not an object', ['add'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation', 'BadRequest'],
  ])('%s', (_name, ops, message, reason) => {
    const run = (): unknown => applyJsonPatch(pod(), ops);
    expect(run).toThrow(PatchError);
    try {
      run();
    } catch (e) {
      expect((e as PatchError).message).toBe(message);
      expect((e as PatchError).reason).toBe(reason);
      expect((e as PatchError).code).toBe(reason === 'Invalid' ? 422 : 400);
    }
  });

  it('stops at the first failing op and leaves the document alone', () => {
    const doc = pod();
    expect(() =>
      applyJsonPatch(doc, [
        { op: 'replace', path: '/metadata/name', value: 'changed' },
        { op: 'test', path: '/metadata/name', value: 'web' },
      ]),
    ).toThrow('testing value /metadata/name failed: test failed');
    expect((doc as any).metadata.name).toBe('web');
  });

  it('refuses more operations than the apiserver allows', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
    expect(() => applyJsonPatch(pod(), ops)).toThrow(expect.objectContaining({ reason: 'RequestEntityTooLarge', code: 413 }));
  });
});
