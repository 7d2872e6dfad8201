import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../object.js';
import { configMapHooks, namespaceHooks, secretHooks, serviceHooks, type ServiceAllocator } from './core.js';

type Obj = Record<string, unknown>;

const printed = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);
const KEY_WHY =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const IMMUTABLE_FORBIDDEN = 'Forbidden: field is immutable when `immutable` is set';

describe('namespace hooks', () => {
  it('labels the namespace with its name, adds the kubernetes finalizer, starts Active', () => {
    const ns: KObject = { metadata: { name: 'team-a', labels: { owner: 'me' } } };
    namespaceHooks.prepareForCreate?.(ns);
    namespaceHooks.defaults?.(ns);
    expect(ns.metadata.labels).toEqual({ owner: 'me', 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(namespaceHooks.initialStatus?.(ns)).toEqual({ phase: 'Active' });
  });

  it('a new namespace gets the kubernetes finalizer after any it was created with, once', () => {
    const ns: KObject = { metadata: { name: 'team-a' }, spec: { finalizers: ['example.com/keep'] } };
    namespaceHooks.prepareForCreate?.(ns);
    expect(ns.spec).toEqual({ finalizers: ['example.com/keep', 'kubernetes'] });
    namespaceHooks.prepareForCreate?.(ns);
    expect(ns.spec).toEqual({ finalizers: ['example.com/keep', 'kubernetes'] });
  });

  it.each<[string, unknown, unknown]>([
    ['a plain update keeps the stored finalizers', ['kubernetes'], ['kubernetes']],
    ['and cannot bring back finalizers the finalize subresource removed', undefined, undefined],
  ])('%s', (_title, stored, want) => {
    const ns: KObject = { metadata: { name: 'team-a' }, spec: { finalizers: ['example.com/other'] } };
    namespaceHooks.carryOver?.(ns, { metadata: { name: 'team-a' }, spec: stored === undefined ? {} : { finalizers: stored } });
    namespaceHooks.defaults?.(ns);
    expect((ns.spec as { finalizers?: unknown }).finalizers).toEqual(want);
  });

  it('the name label cannot be changed by the client', () => {
    const ns: KObject = { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'other' } } };
    namespaceHooks.defaults?.(ns);
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
  });

  it('a terminating namespace whose finalizers were emptied is not given them back', () => {
    const ns: KObject = { metadata: { name: 'team-a', deletionTimestamp: '2024-05-01T12:00:00Z' }, spec: {} };
    namespaceHooks.defaults?.(ns);
    expect(ns.spec).toEqual({});
  });
});

describe('configmap', () => {
  const cm = (data?: Obj, binaryData?: Obj, extra: Obj = {}): KObject => ({ metadata: { name: 'c' }, ...(data ? { data } : {}), ...(binaryData ? { binaryData } : {}), ...extra });

  const keys: Array<[string, KObject, string[]]> = [
    ['good keys', cm({ 'app.yaml': 'x', LOG_LEVEL: 'y', 'a-b_c.d': 'z', '.hidden': 'h' }, { 'logo.png': 'AA==' }), []],
    ['a slash', cm({ 'conf/app.yaml': 'x' }), [`data[conf/app.yaml]: Invalid value: "conf/app.yaml": ${KEY_WHY}`]],
    ['a space', cm({ 'my key': 'x' }), [`data[my key]: Invalid value: "my key": ${KEY_WHY}`]],
    ['a bad binaryData key', cm(undefined, { 'a:b': 'AA==' }), [`binaryData[a:b]: Invalid value: "a:b": ${KEY_WHY}`]],
    ['a key longer than 253', cm({ ['k'.repeat(254)]: 'x' }), [`data[${'k'.repeat(254)}]: Invalid value: "${'k'.repeat(254)}": ${KEY_WHY}`]],
  ];
  it.each(keys)('keys: %s', (_title, obj, want) => {
    expect(printed(configMapHooks.validate?.(obj) ?? [])).toEqual(want);
  });

  it('a key in both data and binaryData is rejected', () => {
    const causes = configMapHooks.validate?.(cm({ same: 'x' }, { same: 'AA==' })) ?? [];
    expect(causes).toHaveLength(1);
    expect(causes[0]?.field).toMatch(/^binaryData/);
  });

  // Regression (a kite bug, fixed): IsConfigMapKey also rejects ".", ".." and keys starting with ".." (they would escape or
  // clash with the kubelet's `..data` symlinks in a volume); kite accepts them.
  it.each([
    ['.', "must not be '.'"],
    ['..', "must not be '..'"],
    ['..data', "must not start with '..'"],
  ])('key %j is rejected: %s', (key, why) => {
    expect(printed(configMapHooks.validate?.(cm({ [key]: 'x' })) ?? []).join('\n')).toContain(why);
  });

  // Regression (a kite bug, fixed): Kubernetes reports key errors at `data[<key>]` (field.NewPath("data").Key(key)), not at `data`.
  it('a key error names the key in its field path', () => {
    expect(configMapHooks.validate?.(cm({ 'my key': 'x' }))?.[0]?.field).toBe('data[my key]');
  });

  const immutable = { immutable: true };
  const updates: Array<[string, KObject, KObject, string[]]> = [
    ['mutable: data may change', cm({ a: '2' }), cm({ a: '1' }), []],
    ['immutable: unchanged data', cm({ a: '1' }, undefined, immutable), cm({ a: '1' }, undefined, immutable), []],
    ['immutable: labels may still change', { ...cm({ a: '1' }, undefined, immutable), metadata: { name: 'c', labels: { x: 'y' } } }, cm({ a: '1' }, undefined, immutable), []],
    ['immutable: data changed', cm({ a: '2' }, undefined, immutable), cm({ a: '1' }, undefined, immutable), [`data: ${IMMUTABLE_FORBIDDEN}`]],
    ['immutable: a key added', cm({ a: '1', b: '2' }, undefined, immutable), cm({ a: '1' }, undefined, immutable), [`data: ${IMMUTABLE_FORBIDDEN}`]],
    ['becoming immutable with new data is fine', cm({ a: '2' }, undefined, immutable), cm({ a: '1' }), []],
  ];
  it.each(updates)('update: %s', (_title, next, old, want) => {
    expect(printed(configMapHooks.validateUpdate?.(next, old) ?? [])).toEqual(want);
  });

  it('immutable: a changed binaryData is forbidden too', () => {
    const causes = configMapHooks.validateUpdate?.(cm(undefined, { b: 'AQ==' }, immutable), cm(undefined, { b: 'AA==' }, immutable)) ?? [];
    expect(causes.map((c) => c.message)).toEqual([IMMUTABLE_FORBIDDEN]);
  });

  // Regression (a kite bug, fixed): ValidateConfigMapUpdate forbids turning `immutable` off again (`immutable: Forbidden: field
  // is immutable when `immutable` is set`); kite lets `immutable: false` (or dropping it) through,
  // after which the data can be changed.
  it.each([
    ['set to false', cm({ a: '1' }, undefined, { immutable: false })],
    ['dropped', cm({ a: '1' })],
  ])('immutable cannot be undone: %s', (_title, next) => {
    expect(printed(configMapHooks.validateUpdate?.(next, cm({ a: '1' }, undefined, immutable)) ?? [])).toEqual([`immutable: ${IMMUTABLE_FORBIDDEN}`]);
  });

  // Regression (a kite bug, fixed): the comparison is JSON.stringify, so the same data with keys in another order (a
  // `kubectl replace` of a reordered manifest) is reported as a change; Kubernetes compares maps.
  it('immutable: the same data in another key order is not a change', () => {
    expect(configMapHooks.validateUpdate?.(cm({ b: '2', a: '1' }, undefined, immutable), cm({ a: '1', b: '2' }, undefined, immutable))).toEqual([]);
  });

  // Regression (a kite bug, fixed): a binaryData change is reported at `data`; Kubernetes reports it at `binaryData`.
  it('immutable: a binaryData change is reported at binaryData', () => {
    const causes = configMapHooks.validateUpdate?.(cm(undefined, { b: 'AQ==' }, immutable), cm(undefined, { b: 'AA==' }, immutable)) ?? [];
    expect(printed(causes)).toEqual([`binaryData: ${IMMUTABLE_FORBIDDEN}`]);
  });
});

describe('secret', () => {
  const secret = (extra: Obj): KObject => ({ metadata: { name: 's' }, type: 'Opaque', ...extra });
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

  const defaults: Array<[string, Obj, Obj | undefined]> = [
    ['stringData becomes base64 data', { stringData: { user: 'admin', pass: 'p@ss wörd' } }, { user: b64('admin'), pass: b64('p@ss wörd') }],
    ['stringData merges into data and wins on a shared key', { data: { keep: b64('k'), user: b64('old') }, stringData: { user: 'new' } }, { keep: b64('k'), user: b64('new') }],
    ['empty string value', { stringData: { empty: '' } }, { empty: '' }],
    ['no stringData: data untouched', { data: { a: b64('1') } }, { a: b64('1') }],
    ['neither', {}, undefined],
  ];
  it.each(defaults)('%s', (_title, extra, want) => {
    const s = secret(extra);
    secretHooks.defaults?.(s);
    expect(s.data).toEqual(want);
    expect(s).not.toHaveProperty('stringData');
  });

  it('keys are validated like configmap keys', () => {
    expect(printed(secretHooks.validate?.(secret({ data: { 'tls/crt': 'AA==' } })) ?? [])).toEqual([`data[tls/crt]: Invalid value: "tls/crt": ${KEY_WHY}`]);
    expect(secretHooks.validate?.(secret({ data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' } }))).toEqual([]);
  });

  const updates: Array<[string, KObject, KObject, string[]]> = [
    ['data may change', secret({ data: { a: 'Ag==' } }), secret({ data: { a: 'AQ==' } }), []],
    ['type is immutable', secret({ type: 'kubernetes.io/tls' }), secret({}), ['type: Invalid value: field is immutable']],
    ['immutable data', secret({ immutable: true, data: { a: 'Ag==' } }), secret({ immutable: true, data: { a: 'AQ==' } }), [`data: ${IMMUTABLE_FORBIDDEN}`]],
  ];
  it.each(updates)('update: %s', (_title, next, old, want) => {
    expect(printed(secretHooks.validateUpdate?.(next, old) ?? [])).toEqual(want);
  });
});

describe('service', () => {
  /** Hands out addresses in order and records what it was asked for. */
  function allocator(): ServiceAllocator & { calls: string[] } {
    let ip = 11;
    let port = 30000;
    const calls: string[] = [];
    return {
      calls,
      clusterIP: () => {
        calls.push('clusterIP');
        return `10.96.0.${ip++}`;
      },
      nodePort: () => {
        calls.push('nodePort');
        return port++;
      },
    };
  }
  const svc = (spec: Obj, name = 'web'): KObject => ({ metadata: { name, namespace: 'default' }, spec });
  const defaulted = (spec: Obj, alloc = allocator()): Obj => {
    const s = svc(spec);
    serviceHooks(alloc).defaults?.(s);
    return s.spec as Obj;
  };

  it('ClusterIP: allocates an address and fills the single-stack IPv4 defaults', () => {
    expect(defaulted({ selector: { app: 'web' }, ports: [{ port: 80 }] })).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      clusterIP: '10.96.0.11',
      clusterIPs: ['10.96.0.11'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('keeps a requested clusterIP, targetPort (number or name) and protocol', () => {
    const alloc = allocator();
    const spec = defaulted({ clusterIP: '10.96.0.50', ports: [{ port: 53, protocol: 'UDP', targetPort: 5353, name: 'dns' }, { port: 80, targetPort: 'http', name: 'web' }] }, alloc);
    expect(alloc.calls).toEqual([]);
    expect(spec.clusterIP).toBe('10.96.0.50');
    expect(spec.clusterIPs).toEqual(['10.96.0.50']);
    expect(spec.ports).toEqual([
      { port: 53, protocol: 'UDP', targetPort: 5353, name: 'dns' },
      { port: 80, protocol: 'TCP', targetPort: 'http', name: 'web' },
    ]);
  });

  it('headless: no address allocated', () => {
    const alloc = allocator();
    const spec = defaulted({ clusterIP: 'None', selector: { app: 'db' } }, alloc);
    expect(alloc.calls).toEqual([]);
    expect(spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
  });

  it('ExternalName: no address and no IP family fields', () => {
    const alloc = allocator();
    const spec = defaulted({ type: 'ExternalName', externalName: 'db.example.com' }, alloc);
    expect(alloc.calls).toEqual([]);
    expect(spec).toEqual({ type: 'ExternalName', externalName: 'db.example.com' });
  });

  it.each(['NodePort', 'LoadBalancer'])('%s: a nodePort per port, and externalTrafficPolicy Cluster', (type) => {
    const spec = defaulted({ type, ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https', nodePort: 31443 }] });
    expect(spec.ports).toEqual([
      { port: 80, name: 'http', protocol: 'TCP', targetPort: 80, nodePort: 30000 },
      { port: 443, name: 'https', protocol: 'TCP', targetPort: 443, nodePort: 31443 },
    ]);
    expect(spec.externalTrafficPolicy).toBe('Cluster');
  });

  it('ClusterIP services get no nodePort', () => {
    const alloc = allocator();
    defaulted({ ports: [{ port: 80 }] }, alloc);
    expect(alloc.calls).toEqual(['clusterIP']);
  });

  // Regression (a kite bug, fixed): Kubernetes defaults targetPort when it is 0 or "" too (Go clients send the zero
  // IntOrString as 0); kite only fills a missing one and keeps 0.
  it.each([0, ''])('targetPort %j defaults to the port', (targetPort) => {
    expect(defaulted({ ports: [{ port: 80, targetPort }] }).ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  });

  it('an update keeps the allocated clusterIP and nodePorts the body left out', () => {
    const hooks = serviceHooks(allocator());
    const old = svc({ type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }] });
    const next = svc({ type: 'NodePort', ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
    hooks.carryOver?.(next, old);
    expect(next.spec).toEqual({
      type: 'NodePort',
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 53, protocol: 'TCP' }],
    });
  });

  it('the initial status has an empty load balancer', () => {
    expect(serviceHooks(allocator()).initialStatus?.(svc({}))).toEqual({ loadBalancer: {} });
  });

  const v = (spec: Obj): string[] => printed(serviceHooks(allocator()).validate?.(svc(spec)) ?? []);
  const validation: Array<[string, Obj, string[]]> = [
    ['one unnamed port', { ports: [{ port: 80 }] }, []],
    ['named ports', { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] }, []],
    ['no ports', { ports: [] }, ['spec.ports: Required value']],
    ['ports missing', {}, ['spec.ports: Required value']],
    ['headless without ports', { clusterIP: 'None' }, []],
    ['ExternalName without ports', { type: 'ExternalName', externalName: 'db.example.com' }, []],
    ['port 0', { ports: [{ port: 0 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['port 65536', { ports: [{ port: 65536 }] }, ['spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive']],
    ['port 65535', { ports: [{ port: 65535 }] }, []],
    ['two ports, one unnamed', { ports: [{ port: 80, name: 'http' }, { port: 443 }] }, ['spec.ports[1].name: Required value']],
    ['duplicate port names', { ports: [{ port: 80, name: 'http' }, { port: 8080, name: 'http' }] }, ['spec.ports[1].name: Duplicate value: "http"']],
  ];
  it.each(validation)('validate: %s', (_title, spec, want) => {
    expect(v(spec)).toEqual(want);
  });

  const updates: Array<[string, Obj, string[]]> = [
    ['same clusterIP', { clusterIP: '10.96.0.20', ports: [{ port: 81 }] }, []],
    ['clusterIP left out (carried over)', { ports: [{ port: 80 }] }, []],
    ['clusterIP changed', { clusterIP: '10.96.0.21', ports: [{ port: 80 }] }, ['spec.clusterIP: Invalid value: field is immutable']],
  ];
  it.each(updates)('update: %s', (_title, spec, want) => {
    const old = svc({ clusterIP: '10.96.0.20', ports: [{ port: 80 }] });
    expect(printed(serviceHooks(allocator()).validateUpdate?.(svc(spec), old) ?? [])).toEqual(want);
  });
});
