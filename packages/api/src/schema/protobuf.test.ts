import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { f, SchemaRegistry, struct, T } from './dsl.js';
import { KindIndex } from './kinds.js';
import { decodeEnvelope, decodeKubernetesProtobuf, decodeMessage, ProtobufError } from './protobuf.js';
import { kubernetesSchema } from './types/index.js';

type Writer = protobuf.Writer;
const { Writer } = protobuf;

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;
const tag = (no: number, wire: number): number => (no << 3) | wire;

function bytes(build: (w: Writer) => void): Uint8Array {
  const w = Writer.create();
  build(w);
  return w.finish();
}
/** A length-delimited sub-message. */
function sub(w: Writer, no: number, build: (w: Writer) => void): Writer {
  w.uint32(tag(no, LEN)).fork();
  build(w);
  return w.ldelim();
}
const str = (w: Writer, no: number, s: string): Writer => w.uint32(tag(no, LEN)).string(s);
const entry = (w: Writer, no: number, k: string, v: string): Writer => sub(w, no, (e) => str(str(e, 1, k), 2, v));

/** A tiny schema of its own, so these tests do not depend on the real type files. */
const registry = new SchemaRegistry().add(
  struct('t.Leaves', {
    s: f(1, T.string),
    b: f(2, T.bytes),
    i32: f(3, T.int32),
    i64: f(4, T.int64),
    ok: f(5, T.boolean),
    d: f(6, T.double),
    t: f(7, T.time),
    mt: f(8, T.microtime),
    q: f(9, T.quantity),
    ios: f(10, T.intOrString),
    raw: f(11, T.raw),
    ps: f(12, T.string, { pointer: true }),
    pi32: f(13, T.int32, { pointer: true }),
    pi64: f(14, T.int64, { pointer: true }),
    pok: f(15, T.boolean, { pointer: true }),
    pd: f(16, T.double, { pointer: true }),
    phase: f(17, T.enumOf('A', 'B')),
  }),
  struct('t.Outer', {
    inner: f(1, T.ref('t.Inner')),
    items: f(2, T.list(T.ref('t.Inner'))),
    nums: f(3, T.list(T.int32)),
    labels: f(4, T.stringMap),
    data: f(5, T.map(T.bytes)),
    byName: f(6, T.map(T.ref('t.Inner'))),
    names: f(7, T.list(T.string)),
    extra: f(8, T.map(T.list(T.string))),
    bigs: f(9, T.list(T.int64)),
    limits: f(10, T.map(T.quantity)),
    flags: f(11, T.list(T.boolean)),
    weights: f(12, T.list(T.double)),
  }),
  struct('t.Inner', { name: f(1, T.string), count: f(2, T.int32), deep: f(3, T.ref('t.Deep')) }),
  struct('t.Deep', { note: f(1, T.string) }),
  struct('t.Kind', { metadata: f(1, T.ref('t.Inner')), spec: f(2, T.ref('t.Deep')) }, { typeMeta: true }),
);

const leaves = (build: (w: Writer) => void): Record<string, unknown> => decodeMessage(registry, 't.Leaves', bytes(build));
const outer = (build: (w: Writer) => void): Record<string, unknown> => decodeMessage(registry, 't.Outer', bytes(build));

// 2024-01-02T03:04:05Z
const SECONDS = 1704164645;

describe('decodeMessage leaves', () => {
  it.each<[string, (w: Writer) => void, Record<string, unknown>]>([
    ['string', (w) => str(w, 1, 'héllo ☃'), { s: 'héllo ☃' }],
    ['invalid UTF-8 becomes U+FFFD, as Go JSON writes it', (w) => w.uint32(tag(1, LEN)).bytes(Uint8Array.of(0x61, 0xff)), { s: 'a\uFFFD' }],
    ['bytes as standard base64', (w) => w.uint32(tag(2, LEN)).bytes(Uint8Array.of(0, 1, 2, 0xfb, 0xff)), { b: 'AAEC+/8=' }],
    ['negative int32 (10-byte varint)', (w) => w.uint32(tag(3, VARINT)).int32(-5), { i32: -5 }],
    ['max int32', (w) => w.uint32(tag(3, VARINT)).int32(2147483647), { i32: 2147483647 }],
    ['min int32', (w) => w.uint32(tag(3, VARINT)).int32(-2147483648), { i32: -2147483648 }],
    ['negative int64', (w) => w.uint32(tag(4, VARINT)).int64(-1234567890123), { i64: -1234567890123 }],
    ['int64 at 2^53-1', (w) => w.uint32(tag(4, VARINT)).int64(Number.MAX_SAFE_INTEGER), { i64: Number.MAX_SAFE_INTEGER }],
    ['bool', (w) => w.uint32(tag(5, VARINT)).bool(true), { ok: true }],
    ['bool from a varint whose low 32 bits are zero', (w) => w.uint32(tag(5, VARINT)).uint64(2 ** 32), { ok: true }],
    ['double', (w) => w.uint32(tag(6, FIXED64)).double(-1.5), { d: -1.5 }],
    ['enum string', (w) => str(w, 17, 'B'), { phase: 'B' }],
    ['time', (w) => sub(w, 7, (t) => t.uint32(tag(1, VARINT)).int64(SECONDS)), { t: '2024-01-02T03:04:05Z' }],
    ['time drops the fraction', (w) => sub(w, 7, (t) => t.uint32(tag(1, VARINT)).int64(SECONDS).uint32(tag(2, VARINT)).int32(999_999_999)), { t: '2024-01-02T03:04:05Z' }],
    ['time before 1970', (w) => sub(w, 7, (t) => t.uint32(tag(1, VARINT)).int64(-86400)), { t: '1969-12-31T00:00:00Z' }],
    ['zero time is null', (w) => sub(w, 7, () => undefined), { t: null }],
    ['microtime keeps six digits', (w) => sub(w, 8, (t) => t.uint32(tag(1, VARINT)).int64(SECONDS).uint32(tag(2, VARINT)).int32(123_456_789)), { mt: '2024-01-02T03:04:05.123456Z' }],
    ['microtime on the second', (w) => sub(w, 8, (t) => t.uint32(tag(1, VARINT)).int64(SECONDS)), { mt: '2024-01-02T03:04:05.000000Z' }],
    ['quantity', (w) => sub(w, 9, (q) => str(q, 1, '100m')), { q: '100m' }],
    ['zero quantity', (w) => sub(w, 9, () => undefined), { q: '0' }],
    ['int-or-string int', (w) => sub(w, 10, (i) => i.uint32(tag(1, VARINT)).int64(0).uint32(tag(2, VARINT)).int32(8080)), { ios: 8080 }],
    ['int-or-string negative int', (w) => sub(w, 10, (i) => i.uint32(tag(2, VARINT)).int32(-1)), { ios: -1 }],
    ['int-or-string string', (w) => sub(w, 10, (i) => str(i.uint32(tag(1, VARINT)).int64(1), 3, 'http')), { ios: 'http' }],
    ['zero int-or-string is 0, never dropped', (w) => sub(w, 10, () => undefined), { ios: 0 }],
    ['raw JSON', (w) => sub(w, 11, (r) => str(r, 1, '{"f:data":{".":{}},"n":[1,2]}')), { raw: { 'f:data': { '.': {} }, n: [1, 2] } }],
    ['empty raw is null', (w) => sub(w, 11, () => undefined), { raw: null }],
  ])('%s', (_name, build, want) => {
    expect(leaves(build)).toEqual(want);
  });

  it('drops zero values of non-pointer scalars and keeps them for pointers', () => {
    const got = leaves((w) => {
      str(w, 1, '');
      w.uint32(tag(2, LEN)).bytes(new Uint8Array(0));
      w.uint32(tag(3, VARINT)).int32(0);
      w.uint32(tag(4, VARINT)).int64(0);
      w.uint32(tag(5, VARINT)).bool(false);
      w.uint32(tag(6, FIXED64)).double(0);
      str(w, 17, '');
      str(w, 12, '');
      w.uint32(tag(13, VARINT)).int32(0);
      w.uint32(tag(14, VARINT)).int64(0);
      w.uint32(tag(15, VARINT)).bool(false);
      w.uint32(tag(16, FIXED64)).double(0);
    });
    expect(got).toStrictEqual({ ps: '', pi32: 0, pi64: 0, pok: false, pd: 0 });
  });

  it('writes fields in declaration order whatever the wire order', () => {
    const got = leaves((w) => {
      str(w, 12, 'p');
      w.uint32(tag(3, VARINT)).int32(7);
      str(w, 1, 's');
    });
    expect(Object.keys(got)).toEqual(['s', 'i32', 'ps']);
  });

  it('keeps the last value of a scalar sent twice', () => {
    expect(leaves((w) => str(str(w, 1, 'first'), 1, 'second'))).toEqual({ s: 'second' });
  });
});

describe('decodeMessage structs, lists and maps', () => {
  it.each<[string, (w: Writer) => void, Record<string, unknown>]>([
    ['empty nested struct is kept, as Go JSON writes {}', (w) => sub(w, 1, () => undefined), { inner: {} }],
    ['nested struct two deep', (w) => sub(w, 1, (i) => sub(str(i, 1, 'a'), 3, (d) => str(d, 1, 'n'))), { inner: { name: 'a', deep: { note: 'n' } } }],
    ['a struct sent twice is merged', (w) => sub(sub(w, 1, (i) => str(i, 1, 'a')), 1, (i) => i.uint32(tag(2, VARINT)).int32(2)), { inner: { name: 'a', count: 2 } }],
    ['repeated structs, empty ones too', (w) => sub(sub(w, 2, (i) => str(i, 1, 'x')), 2, () => undefined), { items: [{ name: 'x' }, {}] }],
    ['unpacked int32s', (w) => w.uint32(tag(3, VARINT)).int32(1).uint32(tag(3, VARINT)).int32(-2).uint32(tag(3, VARINT)).int32(0), { nums: [1, -2, 0] }],
    ['packed int32s', (w) => w.uint32(tag(3, LEN)).fork().int32(1).int32(-2).int32(300).ldelim(), { nums: [1, -2, 300] }],
    ['packed and unpacked mixed', (w) => w.uint32(tag(3, VARINT)).int32(5).uint32(tag(3, LEN)).fork().int32(6).int32(7).ldelim(), { nums: [5, 6, 7] }],
    ['empty packed run is an absent list', (w) => w.uint32(tag(3, LEN)).fork().ldelim(), {}],
    ['packed int64s', (w) => w.uint32(tag(9, LEN)).fork().int64(-1).int64(2 ** 40).ldelim(), { bigs: [-1, 2 ** 40] }],
    ['packed bools', (w) => w.uint32(tag(11, LEN)).fork().bool(true).bool(false).ldelim(), { flags: [true, false] }],
    ['packed doubles', (w) => w.uint32(tag(12, LEN)).fork().double(0.5).double(0).ldelim(), { weights: [0.5, 0] }],
    ['unpacked doubles', (w) => w.uint32(tag(12, FIXED64)).double(2.25), { weights: [2.25] }],
    ['repeated strings keep empty elements', (w) => str(str(w, 7, 'a'), 7, ''), { names: ['a', ''] }],
    ['string map, sorted, last duplicate wins', (w) => entry(entry(entry(w, 4, 'b', '1'), 4, 'a', '2'), 4, 'b', '3'), { labels: { a: '2', b: '3' } }],
    ['map entry without a value is the zero value', (w) => sub(w, 4, (e) => str(e, 1, 'k')), { labels: { k: '' } }],
    ['map entry without a key has key ""', (w) => sub(w, 4, (e) => str(e, 2, 'v')), { labels: { '': 'v' } }],
    ['bytes map', (w) => sub(w, 5, (e) => str(e, 1, 'password').uint32(tag(2, LEN)).bytes(Uint8Array.of(0x78))), { data: { password: 'eA==' } }],
    ['struct map', (w) => sub(w, 6, (e) => sub(str(e, 1, 'k'), 2, (i) => i.uint32(tag(2, VARINT)).int32(3))), { byName: { k: { count: 3 } } }],
    ['map of lists is a wrapper {1 items}', (w) => sub(w, 8, (e) => sub(str(e, 1, 'groups'), 2, (l) => str(str(l, 1, 'a'), 1, 'b'))), { extra: { groups: ['a', 'b'] } }],
    ['quantity map, missing value is "0"', (w) => sub(sub(w, 10, (e) => sub(str(e, 1, 'cpu'), 2, (q) => str(q, 1, '250m'))), 10, (e) => str(e, 1, 'memory')), { limits: { cpu: '250m', memory: '0' } }],
  ])('%s', (_name, build, want) => {
    expect(outer(build)).toEqual(want);
  });

  it('sorts map keys as Go does', () => {
    const got = outer((w) => entry(entry(entry(w, 4, 'zeta', ''), 4, 'alpha', ''), 4, 'Mid', ''));
    expect(Object.keys(got.labels as object)).toEqual(['Mid', 'alpha', 'zeta']);
  });

  it('keeps "__proto__" as an ordinary map key', () => {
    const got = outer((w) => entry(w, 4, '__proto__', 'x'));
    const labels = got.labels as Record<string, unknown>;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(['__proto__']);
    expect(JSON.stringify(labels)).toBe('{"__proto__":"x"}');
  });

  it('skips unknown fields of every wire type', () => {
    const got = outer((w) => {
      w.uint32(tag(90, VARINT)).int64(-1);
      w.uint32(tag(91, FIXED64)).double(1);
      w.uint32(tag(92, FIXED32)).fixed32(7);
      sub(w, 93, (u) => str(u, 1, 'future'));
      w.uint32(tag(94, 3)).uint32(tag(1, VARINT)).int32(1).uint32(tag(94, 4));
      str(w, 7, 'kept');
      sub(w, 1, (i) => str(i.uint32(tag(40, VARINT)).int32(9), 1, 'inner'));
    });
    expect(got).toEqual({ inner: { name: 'inner' }, names: ['kept'] });
  });
});

describe('decodeMessage rejects malformed input', () => {
  it.each<[string, string, Uint8Array, RegExp]>([
    ['truncated length-delimited field', 't.Leaves', Uint8Array.of(tag(1, LEN), 5, 0x61), /t\.Leaves.*index out of range/],
    ['truncated varint', 't.Leaves', Uint8Array.of(tag(3, VARINT), 0x80), /t\.Leaves/],
    ['varint longer than 10 bytes', 't.Leaves', Uint8Array.of(tag(99, VARINT), ...new Array<number>(11).fill(0x80), 0x01), /longer than 10 bytes/],
    ['truncated fixed64', 't.Leaves', Uint8Array.of(tag(6, FIXED64), 0, 0, 0), /t\.Leaves/],
    ['invalid wire type', 't.Leaves', Uint8Array.of(tag(1, 7)), /invalid wire type 7/],
    ['end-group without a start', 't.Leaves', Uint8Array.of(tag(1, 4)), /invalid wire type 4/],
    ['field number 0', 't.Leaves', Uint8Array.of(0x02, 0x00), /field number 0/],
    ['string sent as a varint', 't.Leaves', Uint8Array.of(tag(1, VARINT), 1), /t\.Leaves\.s: wire type 0, want 2/],
    ['int32 sent as fixed32', 't.Leaves', bytes((w) => w.uint32(tag(3, FIXED32)).fixed32(1)), /t\.Leaves\.i32: wire type 5, want 0/],
    ['time seconds as a string', 't.Leaves', bytes((w) => sub(w, 7, (t) => str(t, 1, 'x'))), /t\.Leaves\.t/],
    ['time beyond year 9999', 't.Leaves', bytes((w) => sub(w, 7, (t) => t.uint32(tag(1, VARINT)).int64(253402300800))), /outside years/],
    ['int-or-string type 2', 't.Leaves', bytes((w) => sub(w, 10, (i) => i.uint32(tag(1, VARINT)).int64(2))), /IntOrString type 2/],
    ['raw that is not JSON', 't.Leaves', bytes((w) => sub(w, 11, (r) => str(r, 1, '{nope'))), /not JSON/],
    ['struct sent as a varint', 't.Outer', Uint8Array.of(tag(1, VARINT), 1), /t\.Outer\.inner: wire type 0/],
    ['truncated nested struct', 't.Outer', Uint8Array.of(tag(1, LEN), 3, tag(1, LEN), 9, 0x61), /t\.Inner/],
    ['truncated packed run', 't.Outer', Uint8Array.of(tag(3, LEN), 2, 0x80, 0x80), /t\.Outer\.nums/],
    ['map entry key as a varint', 't.Outer', Uint8Array.of(tag(4, LEN), 2, tag(1, VARINT), 1), /t\.Outer\.labels key/],
    ['map sent as a varint', 't.Outer', Uint8Array.of(tag(4, VARINT), 1), /t\.Outer\.labels: wire type 0/],
  ])('%s', (_name, type, input, message) => {
    const run = (): unknown => decodeMessage(registry, type, input);
    expect(run).toThrow(ProtobufError);
    expect(run).toThrow(message);
  });

  it('treats an undeclared type as a schema bug, not a bad request', () => {
    let err: unknown;
    try {
      decodeMessage(registry, 't.Missing', new Uint8Array(0));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ProtobufError);
  });
});

function envelope(opts: { apiVersion?: string; kind?: string; raw?: Uint8Array; encoding?: string; contentType?: string }, magic = 'k8s\0'): Uint8Array {
  const body = bytes((w) => {
    sub(w, 1, (t) => {
      if (opts.apiVersion !== undefined) str(t, 1, opts.apiVersion);
      if (opts.kind !== undefined) str(t, 2, opts.kind);
    });
    w.uint32(tag(2, LEN)).bytes(opts.raw ?? new Uint8Array(0));
    str(w, 3, opts.encoding ?? '');
    str(w, 4, opts.contentType ?? '');
  });
  return Uint8Array.from([...Buffer.from(magic, 'latin1'), ...body]);
}

const kindObject = bytes((w) => sub(sub(w, 1, (m) => str(m, 1, 'n1')), 2, () => undefined));

describe('decodeEnvelope', () => {
  it('reads apiVersion, kind and raw', () => {
    const env = decodeEnvelope(envelope({ apiVersion: 'apps/v1', kind: 'Deployment', raw: Uint8Array.of(1, 2, 3), contentType: 'application/vnd.kubernetes.protobuf' }));
    expect(env.apiVersion).toBe('apps/v1');
    expect(env.kind).toBe('Deployment');
    expect([...env.raw]).toEqual([1, 2, 3]);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['empty body', new Uint8Array(0), /magic/],
    ['JSON body', Buffer.from('{"kind":"Pod"}'), /magic/],
    ['wrong magic', envelope({ apiVersion: 'v1', kind: 'Pod' }, 'k8s\x01'), /magic/],
    ['magic only', Buffer.from('k8s\0', 'latin1'), /lacks apiVersion or kind/],
    ['no kind', envelope({ apiVersion: 'v1' }), /lacks apiVersion or kind/],
    ['no apiVersion', envelope({ kind: 'Pod' }), /lacks apiVersion or kind/],
    ['gzip content encoding', envelope({ apiVersion: 'v1', kind: 'Pod', encoding: 'gzip' }), /content encoding "gzip"/],
    ['JSON content type', envelope({ apiVersion: 'v1', kind: 'Pod', contentType: 'application/json' }), /application\/json/],
    ['garbage after the magic', Uint8Array.of(0x6b, 0x38, 0x73, 0, tag(1, LEN), 40, 1), /runtime\.Unknown/],
    ['typeMeta as a varint', Uint8Array.of(0x6b, 0x38, 0x73, 0, tag(1, VARINT), 1), /typeMeta: wire type 0/],
  ])('rejects %s', (_name, body, message) => {
    expect(() => decodeEnvelope(body)).toThrow(ProtobufError);
    expect(() => decodeEnvelope(body)).toThrow(message);
  });
});

describe('decodeKubernetesProtobuf', () => {
  const resolve = (apiVersion: string, kind: string): string | undefined => (apiVersion === 'test/v1' && kind === 'Thing' ? 't.Kind' : undefined);

  it('sets kind and apiVersion from the envelope', () => {
    const got = decodeKubernetesProtobuf(registry, resolve, envelope({ apiVersion: 'test/v1', kind: 'Thing', raw: kindObject }));
    expect(got).toStrictEqual({ kind: 'Thing', apiVersion: 'test/v1', metadata: { name: 'n1' }, spec: {} });
  });

  it('names an apiVersion and kind it does not serve', () => {
    const run = (): unknown => decodeKubernetesProtobuf(registry, resolve, envelope({ apiVersion: 'test/v2', kind: 'Widget', raw: kindObject }));
    expect(run).toThrow(ProtobufError);
    expect(run).toThrow(/"Widget".*"test\/v2"/);
  });
});

/** What the real kubectl 1.32 sends (testdata/README.md), against kubectl 1.31's JSON for the same command. */
describe('kubectl protobuf bodies', () => {
  const kinds = new KindIndex();
  const resolve = (apiVersion: string, kind: string): string | undefined => kinds.kind(apiVersion, kind)?.type;
  let schema: SchemaRegistry | undefined;
  let schemaError = '';
  try {
    schema = kubernetesSchema();
  } catch (e) {
    schemaError = e instanceof Error ? e.message : String(e);
  }
  const fixture = (name: string, ext: string): Buffer => readFileSync(new URL(`./testdata/${name}.${ext}`, import.meta.url));

  const fixtures: [string, string, string][] = [
    ['configmap', 'v1', 'ConfigMap'],
    ['secret', 'v1', 'Secret'],
    ['namespace', 'v1', 'Namespace'],
    ['deployment', 'apps/v1', 'Deployment'],
    ['service', 'v1', 'Service'],
    ['serviceaccount', 'v1', 'ServiceAccount'],
    ['job', 'batch/v1', 'Job'],
    ['secret-dockerconfig', 'v1', 'Secret'],
    ['configmap-files', 'v1', 'ConfigMap'],
    ['service-nodeport', 'v1', 'Service'],
    ['service-externalname', 'v1', 'Service'],
    ['deployment-two-images', 'apps/v1', 'Deployment'],
  ];
  for (const [name, apiVersion, kind] of fixtures) {
    // The real type files are written separately; a fixture runs once its kind is declared.
    const type = resolve(apiVersion, kind);
    const gap =
      schema === undefined
        ? `kubernetesSchema() throws: ${schemaError}`
        : type === undefined || !schema.has(type)
          ? `${apiVersion} ${kind} is not declared in kubernetesSchema() yet`
          : undefined;
    it.skipIf(gap !== undefined)(gap === undefined ? name : `${name} (skipped: ${gap})`, () => {
      const want = JSON.parse(fixture(name, 'json').toString('utf8')) as unknown;
      const got = decodeKubernetesProtobuf(schema!, resolve, fixture(name, 'pb'));
      expect(got).toStrictEqual(want);
      // Same bytes too: fields in Go's struct order, as the declarations mirror it.
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    });
  }
});

describe('inline-embedded Go structs', () => {
  it('lifts the fields of an embedded message (Volume.VolumeSource) into the object', () => {
    const { Writer } = protobuf;
    const emptyDir = Writer.create().uint32((1 << 3) | 2).string('Memory').finish();
    const source = Writer.create().uint32((2 << 3) | 2).bytes(emptyDir).finish();
    const volume = Writer.create().uint32((1 << 3) | 2).string('cache').uint32((2 << 3) | 2).bytes(source).finish();
    expect(decodeMessage(kubernetesSchema(), 'io.k8s.api.core.v1.Volume', volume)).toEqual({ name: 'cache', emptyDir: { medium: 'Memory' } });
  });
});
