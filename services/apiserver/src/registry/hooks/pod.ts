import { Quantity } from '@kite/api';
import type { StatusCause } from '../../errors.js';
import { isObject, jsonEqual, type KObject } from '../../object.js';
import type { KindHooks } from '../strategy.js';
import { dnsLabelError, invalidValue, required } from '../validate-meta.js';
import { at, duplicate, forbiddenField, records, unsupported } from './util.js';

export interface PodHookOptions {
  /** Seconds a pod tolerates a not-ready or unreachable node before eviction (DefaultTolerationSeconds). */
  defaultTolerationSeconds: number;
}

/** `IfNotPresent` for a pinned tag, `Always` for `:latest` or no tag, as Kubernetes defaults. */
export function defaultPullPolicy(image: string): string {
  const [name, digest] = image.split('@') as [string, string | undefined];
  const lastPart = name.split('/').pop() ?? name;
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.lastIndexOf(':') + 1) : '';
  if (tag === 'latest') return 'Always';
  if (digest !== undefined) return 'IfNotPresent';
  return tag === '' ? 'Always' : 'IfNotPresent';
}

function quantity(v: unknown): Quantity | undefined {
  try {
    return v === undefined || v === null ? undefined : Quantity.parse(String(v));
  } catch {
    return undefined;
  }
}

const isZeroQ = (q: Quantity | undefined): boolean => q === undefined || q.milli === 0n;

function allContainers(spec: unknown): Array<{ path: string; c: Record<string, unknown> }> {
  const out: Array<{ path: string; c: Record<string, unknown> }> = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'])
    records(at(spec, list)).forEach((c, i) => out.push({ path: `spec.${list}[${i}]`, c }));
  return out;
}

/**
 * Guaranteed, Burstable or BestEffort: only cpu and memory count, zero values are ignored,
 * and quantities compare by value ("1" equals "1000m").
 */
export function qosClass(spec: unknown): string {
  const cs = [...records(at(spec, 'containers')), ...records(at(spec, 'initContainers'))];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const req = (at(c, 'resources', 'requests') ?? {}) as Record<string, unknown>;
    const lim = (at(c, 'resources', 'limits') ?? {}) as Record<string, unknown>;
    for (const r of ['cpu', 'memory']) {
      const l = quantity(lim[r]);
      const q = quantity(req[r]) ?? l;
      if (!isZeroQ(q) || !isZeroQ(l)) any = true;
      if (isZeroQ(l) || q === undefined || l === undefined || q.cmp(l) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const TOLERATED = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

function validatePodSpec(spec: unknown, prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = records(at(spec, 'containers'));
  if (containers.length === 0) causes.push(required(`${prefix}.containers`));
  const names = new Set<string>();
  for (const { path, c } of allContainers(spec).map((x) => ({ ...x, path: x.path.replace(/^spec/, prefix) }))) {
    const name = c.name;
    if (typeof name !== 'string' || name === '') causes.push(required(`${path}.name`));
    else {
      const why = dnsLabelError(name);
      if (why !== undefined) causes.push(invalidValue(`${path}.name`, name, why));
      if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
      names.add(name);
    }
    if (!path.includes('ephemeral') && (typeof c.image !== 'string' || c.image.trim() === '')) causes.push(required(`${path}.image`));
    records(c.ports).forEach((p, i) => {
      const n = p.containerPort;
      if (n === undefined || n === 0) causes.push(required(`${path}.ports[${i}].containerPort`));
      else if (typeof n === 'number' && (n < 1 || n > 65535)) causes.push(invalidValue(`${path}.ports[${i}].containerPort`, n, 'must be between 1 and 65535, inclusive'));
    });
  }
  // Only an init container may have a restartPolicy, and only Always: it makes it a sidecar.
  records(at(spec, 'initContainers')).forEach((c, i) => {
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && c.restartPolicy !== 'Always') causes.push(unsupported(`${prefix}.initContainers[${i}].restartPolicy`, c.restartPolicy, ['Always']));
  });
  records(at(spec, 'containers')).forEach((c, i) => {
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) causes.push(forbiddenField(`${prefix}.containers[${i}].restartPolicy`, 'may not be set for non-init containers'));
  });
  const rp = at(spec, 'restartPolicy');
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(rp as string)) causes.push(unsupported(`${prefix}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  const vnames = new Set<string>();
  records(at(spec, 'volumes')).forEach((v, i) => {
    if (typeof v.name !== 'string' || v.name === '') causes.push(required(`${prefix}.volumes[${i}].name`));
    else if (vnames.has(v.name)) causes.push(duplicate(`${prefix}.volumes[${i}].name`, v.name));
    else vnames.add(v.name);
  });
  for (const { path, c } of allContainers(spec).map((x) => ({ ...x, path: x.path.replace(/^spec/, prefix) }))) {
    records(c.volumeMounts).forEach((m, i) => {
      if (typeof m.name === 'string' && !vnames.has(m.name)) causes.push({ reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(m.name)}`, field: `${path}.volumeMounts[${i}].name` });
    });
  }
  return causes;
}

/** Applies pod-spec defaults that depend on other fields (also used for pod templates). */
export function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  for (const { c } of allContainers(spec)) {
    if (c.imagePullPolicy === undefined && typeof c.image === 'string') c.imagePullPolicy = defaultPullPolicy(c.image);
    // Requests default to limits: what the scheduler counts is what the container may use.
    const res = c.resources as { limits?: Record<string, unknown>; requests?: Record<string, unknown> } | undefined;
    if (res?.limits !== undefined && Object.keys(res.limits).length > 0) res.requests = { ...res.limits, ...(res.requests ?? {}) };
  }
}

export function podHooks(opts: PodHookOptions): KindHooks {
  return {
    defaults(pod) {
      const spec = (pod.spec ??= {}) as Record<string, unknown>;
      defaultPodSpec(spec);
      spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
      spec.serviceAccount ??= spec.serviceAccountName;
      spec.priority ??= 0;
      spec.enableServiceLinks ??= true;
      const tolerations = records(spec.tolerations);
      for (const key of TOLERATED) {
        const has = tolerations.some((t) => (t.key === key || ((t.key === undefined || t.key === '') && t.operator === 'Exists')) && (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute'));
        if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: opts.defaultTolerationSeconds });
      }
      spec.tolerations = tolerations;
    },
    initialStatus: (pod) => ({ phase: 'Pending', qosClass: qosClass(pod.spec) }),
    validate: (pod) => validatePodSpec(pod.spec, 'spec'),
    validateUpdate(pod, old) {
      // Only images, activeDeadlineSeconds and added tolerations may change on a running pod.
      const oldGrace = at(old, 'spec', 'terminationGracePeriodSeconds');
      const strip = (o: KObject): unknown => {
        const s = structuredClone((o.spec ?? {}) as Record<string, unknown>);
        // The one grace-period change allowed: a negative value may become 1.
        if (typeof oldGrace === 'number' && oldGrace < 0 && s.terminationGracePeriodSeconds === 1) s.terminationGracePeriodSeconds = oldGrace;
        for (const list of ['containers', 'initContainers']) for (const c of records(s[list])) delete c.image;
        delete s.activeDeadlineSeconds;
        delete s.tolerations;
        return s;
      };
      const causes: StatusCause[] = [];
      // Tolerations may be added, and an existing one may only change its tolerationSeconds.
      const sansSeconds = (t: Record<string, unknown>): unknown => ({ ...t, tolerationSeconds: undefined });
      const now = records(at(pod, 'spec', 'tolerations')).map(sansSeconds);
      for (const t of records(at(old, 'spec', 'tolerations'))) {
        if (!now.some((n) => jsonEqual(n, sansSeconds(t)))) {
          causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: existing toleration can not be modified except its tolerationSeconds', field: 'spec.tolerations' });
          break;
        }
      }
      if (jsonEqual(strip(pod), strip(old))) return causes;
      return [
        ...causes,
        {
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          field: 'spec',
        },
      ];
    },
  };
}

export { validatePodSpec };
