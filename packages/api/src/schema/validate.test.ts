import { describe, expect, it } from 'vitest';
import { f, kindStruct, mergeList, SchemaRegistry, struct, T } from './dsl.js';
import { metaTypes } from './types/meta.js';
import { dropUnknownFields, validateStructure, type FieldValidation } from './validate.js';

const CORE = 'io.k8s.api.core.v1';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A hand-built corner of core/v1, plus a struct holding one field of every scalar type. */
const registry = new SchemaRegistry().add(
  ...metaTypes,
  kindStruct(`${CORE}.Pod`, { metadata: f(1, T.ref(OBJECT_META)), spec: f(2, T.ref(`${CORE}.PodSpec`)) }),
  struct(`${CORE}.PodSpec`, {
    containers: mergeList(2, T.ref(`${CORE}.Container`), 'name', { required: true }),
    restartPolicy: f(3, T.enumOf('Always', 'OnFailure', 'Never')),
    nodeSelector: f(7, T.stringMap),
  }),
  struct(`${CORE}.Container`, {
    name: f(1, T.string, { required: true }),
    image: f(2, T.string),
    ports: mergeList(6, T.ref(`${CORE}.ContainerPort`), 'containerPort'),
    resources: f(8, T.ref(`${CORE}.ResourceRequirements`)),
    imagePullPolicy: f(14, T.enumOf('Always', 'IfNotPresent', 'Never')),
  }),
  struct(`${CORE}.ContainerPort`, { containerPort: f(3, T.int32, { required: true }), name: f(1, T.string) }),
  struct(`${CORE}.ResourceRequirements`, { limits: f(1, T.map(T.quantity)), requests: f(2, T.map(T.quantity)) }),
  struct('io.k8s.api.test.v1.Kitchen', {
    s: f(1, T.string),
    i32: f(2, T.int32),
    i64: f(3, T.int64),
    d: f(4, T.double),
    b: f(5, T.boolean),
    bytes: f(6, T.bytes),
    t: f(7, T.time),
    mt: f(8, T.microtime),
    q: f(9, T.quantity),
    ios: f(10, T.intOrString),
    raw: f(11, T.raw),
    byName: f(12, T.map(T.ref(`${CORE}.ContainerPort`))),
    tags: f(13, T.list(T.string)),
  }),
);

const pod = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'x', labels: { app: 'web' } },
  spec,
  ...extra,
});
const validPod = (): Record<string, unknown> => pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m', memory: 1024 } } }] });

describe('validateStructure: unknown fields', () => {
  it('accepts a valid pod with kind and apiVersion at the top', () => {
    expect(validateStructure(registry, `${CORE}.Pod`, validPod(), 'Strict')).toEqual({ errors: [], unknown: [] });
  });

  it.each<[string, unknown, string[]]>([
    ['top level', { ...validPod(), bogus: 1 }, ['bogus']],
    ['in a struct', pod({ containers: [{ name: 'c' }], foo: true }), ['spec.foo']],
    ['in a list element, with its index', pod({ containers: [{ name: 'a' }, { name: 'b', imagePullPolicyy: 'Always' }] }), ['spec.containers[1].imagePullPolicyy']],
    ['kind is only allowed where TypeMeta is', pod({ containers: [{ name: 'c', kind: 'Container' }] }), ['spec.containers[0].kind']],
    ['in document order', pod({ b: 1, containers: [{ name: 'c', z: 1, ports: [{ containerPort: 1, y: 2 }] }], a: 2 }), ['spec.b', 'spec.containers[0].z', 'spec.containers[0].ports[0].y', 'spec.a']],
    ['names are case-sensitive', pod({ Containers: [], containers: [{ name: 'c' }] }), ['spec.Containers']],
  ])('reports unknown fields %s', (_name, value, unknown) => {
    const r = validateStructure(registry, `${CORE}.Pod`, value, 'Strict');
    expect(r.unknown).toEqual(unknown);
    expect(r.errors).toEqual([]);
  });

  it('joins map keys with dots, as strict decoding does', () => {
    const r = validateStructure(registry, 'io.k8s.api.test.v1.Kitchen', { byName: { web: { containerPort: 80, extra: 1 } } }, 'Strict');
    expect(r.unknown).toEqual(['byName.web.extra']);
  });

  it.each<[FieldValidation, number]>([
    ['Strict', 1],
    ['Warn', 1],
    ['Ignore', 0],
  ])('collects unknown fields under %s', (mode, count) => {
    expect(validateStructure(registry, `${CORE}.Pod`, { ...validPod(), bogus: 1 }, mode).unknown).toHaveLength(count);
  });
});

describe('validateStructure: types', () => {
  const kitchen = (v: Record<string, unknown>) => validateStructure(registry, 'io.k8s.api.test.v1.Kitchen', v, 'Strict');

  it('accepts every scalar in its JSON forms, and null anywhere', () => {
    const ok = [
      { s: 'x', i32: 2147483647, i64: 9007199254740991, d: 1.5, b: false, bytes: 'aGVsbG8=', t: '2024-02-29T03:04:05Z', mt: '2024-01-02T03:04:05.123456+02:00' },
      { q: '100m', ios: 8080, raw: { any: ['thing'] }, tags: ['a'] },
      { q: 2, ios: 'http', raw: 'text', bytes: 'aGVs\nbG8h' },
      { q: '1.5Gi', t: null, s: null, byName: null, tags: null },
      { q: 0.5, i32: -2147483648, bytes: '' },
    ];
    for (const v of ok) expect(kitchen(v), JSON.stringify(v)).toEqual({ errors: [], unknown: [] });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['string gets number', { s: 5 }, 's', 'json: cannot unmarshal number into Go struct field Kitchen.s of type string'],
    ['int32 gets string', { i32: '3' }, 'i32', 'json: cannot unmarshal string into Go struct field Kitchen.i32 of type int32'],
    ['int32 overflows', { i32: 2147483648 }, 'i32', 'json: cannot unmarshal number 2147483648 into Go struct field Kitchen.i32 of type int32'],
    ['int32 gets a fraction', { i32: 1.5 }, 'i32', 'json: cannot unmarshal number 1.5 into Go struct field Kitchen.i32 of type int32'],
    ['int64 gets a fraction', { i64: 0.1 }, 'i64', 'json: cannot unmarshal number 0.1 into Go struct field Kitchen.i64 of type int64'],
    ['double gets bool', { d: true }, 'd', 'json: cannot unmarshal bool into Go struct field Kitchen.d of type float64'],
    ['boolean gets string', { b: 'true' }, 'b', 'json: cannot unmarshal string into Go struct field Kitchen.b of type bool'],
    ['list gets object', { tags: {} }, 'tags', 'json: cannot unmarshal object into Go struct field Kitchen.tags of type []string'],
    ['list element of wrong type', { tags: ['a', 1] }, 'tags[1]', 'json: cannot unmarshal number into Go struct field Kitchen.tags of type string'],
    ['map gets array', { byName: [] }, 'byName', 'json: cannot unmarshal array into Go struct field Kitchen.byName of type map[string]v1.ContainerPort'],
    ['map value of wrong type', { byName: { a: 'x' } }, 'byName[a]', 'json: cannot unmarshal string into Go struct field Kitchen.byName of type v1.ContainerPort'],
    ['bytes not base64', { bytes: 'a$==' }, 'bytes', 'error decoding bytes: illegal base64 data at input byte 1'],
    ['bytes missing padding', { bytes: 'aGVsbG8' }, 'bytes', 'error decoding bytes: illegal base64 data at input byte 7'],
    ['time not RFC 3339', { t: 'yesterday' }, 't', 'error decoding t: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": not an RFC 3339 time'],
    ['time out of range', { t: '2023-02-29T00:00:00Z' }, 't', 'error decoding t: parsing time "2023-02-29T00:00:00Z" as "2006-01-02T15:04:05Z07:00": not an RFC 3339 time'],
    ['time gets number', { mt: 5 }, 'mt', 'error decoding mt: json: cannot unmarshal number into Go value of type string'],
    ['quantity malformed', { q: '1 core' }, 'q', "error decoding q: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['quantity gets bool', { q: true }, 'q', "error decoding q: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['int-or-string gets a fraction', { ios: 1.5 }, 'ios', 'error decoding ios: json: cannot unmarshal number 1.5 into Go value of type int32'],
    ['int-or-string gets bool', { ios: false }, 'ios', 'error decoding ios: json: cannot unmarshal bool into Go value of type int32'],
  ])('%s', (_name, value, field, message) => {
    expect(kitchen(value).errors).toEqual([{ type: 'FieldValueTypeInvalid', field, message }]);
  });

  it('names the innermost struct and the full path, as Go does', () => {
    const r = validateStructure(registry, `${CORE}.Pod`, pod({ containers: [{ name: 'c', image: 5, ports: [{ containerPort: '80' }] }] }), 'Strict');
    expect(r.errors).toEqual([
      { type: 'FieldValueTypeInvalid', field: 'spec.containers[0].image', message: 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string' },
      {
        type: 'FieldValueTypeInvalid',
        field: 'spec.containers[0].ports[0].containerPort',
        message: 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
      },
    ]);
  });

  it.each<[string, unknown, string, string]>([
    ['a struct field gets a string', pod('x' as unknown as Record<string, unknown>), 'spec', 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec'],
    ['labels get a number', { metadata: { labels: { a: 1 } } }, 'metadata.labels[a]', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    ['the body is an array', [], '', 'json: cannot unmarshal array into Go value of type v1.Pod'],
    ['quantity in a map of a list element', pod({ containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] }), 'spec.containers[0].resources.limits[cpu]', ''],
  ])('type error where %s', (_name, value, field, message) => {
    const [err] = validateStructure(registry, `${CORE}.Pod`, value, 'Strict').errors;
    expect(err?.type).toBe('FieldValueTypeInvalid');
    expect(err?.field).toBe(field);
    if (message !== '') expect(err?.message).toBe(message);
  });
});

describe('validateStructure: required and enum', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['absent required list', pod({}), ['spec.containers: Required value']],
    ['empty required list', pod({ containers: [] }), ['spec.containers: Required value']],
    ['absent required string', pod({ containers: [{ image: 'x' }] }), ['spec.containers[0].name: Required value']],
    ['empty required string', pod({ containers: [{ name: '' }] }), ['spec.containers[0].name: Required value']],
    ['null required string', pod({ containers: [{ name: null }] }), ['spec.containers[0].name: Required value']],
    ['absent required int', pod({ containers: [{ name: 'c', ports: [{ name: 'http' }] }] }), ['spec.containers[0].ports[0].containerPort: Required value']],
    ['zero required int is present (ranges are the kind validation\'s)', pod({ containers: [{ name: 'c', ports: [{ containerPort: 0 }] }] }), []],
    [
      'enum outside its values',
      pod({ containers: [{ name: 'c', imagePullPolicy: 'Sometimes' }], restartPolicy: 'Maybe' }),
      ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"', 'spec.restartPolicy: Unsupported value: "Maybe": supported values: "Always", "OnFailure", "Never"'],
    ],
    ['empty enum is unset', pod({ containers: [{ name: 'c', imagePullPolicy: '' }] }), []],
  ])('%s', (_name, value, messages) => {
    const r = validateStructure(registry, `${CORE}.Pod`, value, 'Strict');
    expect(r.errors.map((e) => `${e.field}: ${e.message}`)).toEqual(messages);
    expect(r.errors.every((e) => e.type === (e.message.startsWith('Required') ? 'FieldValueRequired' : 'FieldValueNotSupported'))).toBe(true);
  });
});

describe('dropUnknownFields', () => {
  it('removes undeclared fields at every depth and keeps the rest', () => {
    const value = { ...validPod(), bogus: 1, spec: { containers: [{ name: 'c', extra: true, ports: [{ containerPort: 80, x: 1 }] }], nodeSelector: { a: 'b' }, y: 2 } };
    expect(dropUnknownFields(registry, `${CORE}.Pod`, value)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }], nodeSelector: { a: 'b' } },
    });
    expect(value.bogus).toBe(1);
  });

  it('drops kind inside nested structs but prunes inside maps of structs', () => {
    expect(dropUnknownFields(registry, 'io.k8s.api.test.v1.Kitchen', { kind: 'K', byName: { a: { containerPort: 1, z: 0 } } })).toEqual({ byName: { a: { containerPort: 1 } } });
  });
});
