import type { StatusCause } from '../../errors.js';
import { jsonEqual, type KObject } from '../../object.js';
import type { KindHooks } from '../strategy.js';
import { invalidValue, required } from '../validate-meta.js';
import { at, duplicate, immutable, records } from './util.js';

/**
 * Kubernetes' namespace strategy: every new namespace carries the `kubernetes` finalizer, which
 * the namespace controller removes (through the finalize subresource) once the namespace is
 * empty. A plain update cannot change spec.finalizers, so it is not a default: once removed it
 * stays removed.
 */
export const namespaceHooks: KindHooks = {
  prepareForCreate(ns) {
    const spec = (ns.spec ??= {}) as Record<string, unknown>;
    const finalizers = Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
    if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  },
  defaults(ns) {
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name as string };
  },
  carryOver(ns, old) {
    const finalizers = (old.spec as { finalizers?: unknown } | undefined)?.finalizers;
    const spec = (ns.spec ??= {}) as Record<string, unknown>;
    if (finalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(finalizers);
  },
  initialStatus: () => ({ phase: 'Active' }),
};

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function dataKeys(obj: KObject, fields: string[]): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const f of fields) {
    for (const k of Object.keys((obj[f] ?? {}) as object)) {
      const field = `${f}[${k}]`;
      if (!DATA_KEY.test(k) || k.length > 253) causes.push(invalidValue(field, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
      else if (k === '.') causes.push(invalidValue(field, k, "must not be '.'"));
      else if (k === '..') causes.push(invalidValue(field, k, "must not be '..'"));
      else if (k.startsWith('..')) causes.push(invalidValue(field, k, "must not start with '..'"));
      if (seen.has(k)) causes.push(duplicate(field, k));
      seen.add(k);
    }
  }
  return causes;
}

const immutableData =
  (fields: string[]) =>
  (obj: KObject, old: KObject): StatusCause[] => {
    if (old.immutable !== true) return [];
    const causes: StatusCause[] = [];
    if (obj.immutable !== true) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'immutable' });
    for (const f of fields)
      if (!jsonEqual(obj[f] ?? {}, old[f] ?? {})) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: f });
    return causes;
  };

export const configMapHooks: KindHooks = {
  validate: (cm) => dataKeys(cm, ['data', 'binaryData']),
  validateUpdate: immutableData(['data', 'binaryData']),
};

/** stringData is write-only: it is merged into data (base64) when stored, as Kubernetes does. */
export const secretHooks: KindHooks = {
  defaults(secret) {
    const stringData = secret.stringData as Record<string, string> | undefined;
    if (stringData === undefined) return;
    const data = (secret.data ??= {}) as Record<string, string>;
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete secret.stringData;
  },
  validate: (s) => dataKeys(s, ['data']),
  validateUpdate: (s, old) => [...immutableData(['data'])(s, old), ...(s.type !== old.type ? [immutable('type')] : [])],
};

/** Allocates ClusterIPs and NodePorts from the service ranges, avoiding those in use. */
export interface ServiceAllocator {
  clusterIP(): string;
  nodePort(): number;
}

export function serviceHooks(alloc: ServiceAllocator): KindHooks {
  return {
    defaults(svc) {
      const spec = (svc.spec ??= {}) as Record<string, unknown>;
      const type = (spec.type as string | undefined) ?? 'ClusterIP';
      if (type !== 'ExternalName') {
        if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = alloc.clusterIP();
        spec.clusterIPs ??= spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
        spec.internalTrafficPolicy ??= 'Cluster';
      }
      const ports = records(spec.ports);
      for (const p of ports) {
        p.protocol ??= 'TCP';
        if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
        if ((type === 'NodePort' || type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = alloc.nodePort();
      }
      if (type === 'NodePort' || type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    },
    carryOver(svc, old) {
      const spec = (svc.spec ??= {}) as Record<string, unknown>;
      if (spec.clusterIP === undefined || spec.clusterIP === '') {
        spec.clusterIP = at(old, 'spec', 'clusterIP');
        spec.clusterIPs ??= at(old, 'spec', 'clusterIPs');
      }
      const oldPorts = records(at(old, 'spec', 'ports'));
      for (const p of records(spec.ports)) {
        if (p.nodePort !== undefined) continue;
        const same = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (same?.nodePort !== undefined) p.nodePort = same.nodePort;
      }
    },
    initialStatus: () => ({ loadBalancer: {} }),
    validate(svc) {
      const causes: StatusCause[] = [];
      const ports = records(at(svc, 'spec', 'ports'));
      const type = at(svc, 'spec', 'type') ?? 'ClusterIP';
      if (ports.length === 0 && type !== 'ExternalName' && at(svc, 'spec', 'clusterIP') !== 'None') causes.push(required('spec.ports'));
      const names = new Set<string>();
      ports.forEach((p, i) => {
        if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) causes.push(invalidValue(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
        if (ports.length > 1 && (typeof p.name !== 'string' || p.name === '')) causes.push(required(`spec.ports[${i}].name`));
        if (typeof p.name === 'string' && p.name !== '') {
          if (names.has(p.name)) causes.push(duplicate(`spec.ports[${i}].name`, p.name));
          names.add(p.name);
        }
      });
      return causes;
    },
    validateUpdate: (svc, old) => {
      const ip = at(svc, 'spec', 'clusterIP');
      return ip !== undefined && ip !== at(old, 'spec', 'clusterIP') ? [immutable('spec.clusterIP')] : [];
    },
  };
}
