import { randomBytes, randomUUID } from 'node:crypto';
import type { KindDef } from '@kite/api';
import type { StatusCause } from '../errors.js';
import { isObject, jsonEqual, rfc3339, type KObject } from '../object.js';
import { validateMetadata } from './validate-meta.js';

/**
 * What differs between kinds when objects are created and updated: the rest of the registry
 * is the same for all. Hooks mutate the object they are given.
 */
export interface KindHooks {
  /** What only a new object gets (Kubernetes' PrepareForCreate), before defaults. */
  prepareForCreate?(obj: KObject): void;
  /** Defaults that depend on other fields (the schema applies constant ones). */
  defaults?(obj: KObject): void;
  /** The status an object starts with. */
  initialStatus?(obj: KObject): unknown;
  /** Semantic validation beyond the schema; field paths as Kubernetes reports them. */
  validate?(obj: KObject): StatusCause[];
  validateUpdate?(obj: KObject, old: KObject): StatusCause[];
  /**
   * Keeps server-assigned values (a service's clusterIP) that an update left out, and fields a
   * plain update may not change (a namespace's spec.finalizers).
   */
  carryOver?(obj: KObject, old: KObject): void;
}

/** The subresources written with PUT (and, for status, PATCH) through the update path. */
export type UpdateSubresource = 'status' | 'finalize';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' generateName suffix: five characters that cannot spell words. */
export function nameSuffix(): string {
  const bytes = randomBytes(5);
  return [...bytes].map((b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}

/** Everything outside metadata and status: a change there is a new generation. */
function specOf(obj: KObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Kinds whose objects count generations (workloads a controller observes, and pods). */
const GENERATIONAL = new Set(['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job']);

/** Kubernetes drops empty label and annotation maps rather than storing `{}`. */
function dropEmptyMaps(obj: KObject): void {
  for (const f of ['labels', 'annotations'] as const) {
    const m = obj.metadata[f];
    if (m !== undefined && (m === null || Object.keys(m).length === 0)) delete obj.metadata[f];
  }
}

export class Strategy {
  readonly hasStatus: boolean;

  constructor(
    readonly kind: KindDef,
    readonly hooks: KindHooks = {},
  ) {
    this.hasStatus = kind.subresources.includes('status');
  }

  /** Server-set metadata and the initial status of a new object. */
  prepareForCreate(obj: KObject, now: Date): void {
    const m = obj.metadata;
    if ((m.name === undefined || m.name === '') && m.generateName) m.name = `${m.generateName}${nameSuffix()}`;
    m.uid = randomUUID();
    m.creationTimestamp = rfc3339(now);
    if (GENERATIONAL.has(this.kind.kind)) m.generation = 1;
    else delete m.generation;
    dropEmptyMaps(obj);
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    // Kinds that start from a known status ignore the one sent; others (nodes) keep it.
    if (this.hooks.initialStatus !== undefined) {
      const status = this.hooks.initialStatus(obj);
      if (status === undefined) delete obj.status;
      else obj.status = status;
    }
    this.hooks.prepareForCreate?.(obj);
    this.hooks.defaults?.(obj);
  }

  /**
   * Carries over what a client may not change through this door: the main resource keeps the
   * stored status, the status subresource keeps everything but status, and a namespace's
   * finalize subresource keeps everything but spec.finalizers. Bumps generation when the spec
   * changed.
   */
  prepareForUpdate(obj: KObject, old: KObject, subresource: UpdateSubresource | undefined): KObject {
    let next: KObject;
    if (subresource === 'status') {
      next = { ...structuredClone(old), status: obj.status };
      next.metadata.resourceVersion = obj.metadata.resourceVersion;
    } else if (subresource === 'finalize') {
      next = structuredClone(old);
      const spec = (next.spec ?? {}) as Record<string, unknown>;
      const finalizers = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
      // Kubernetes omits an empty list: an emptied spec.finalizers reads back as absent.
      if (Array.isArray(finalizers) && finalizers.length > 0) spec.finalizers = finalizers;
      else delete spec.finalizers;
      next.spec = spec;
      next.metadata.resourceVersion = obj.metadata.resourceVersion;
    } else {
      next = obj;
      if (this.hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = structuredClone(old.status);
      }
    }
    const m = next.metadata;
    const o = old.metadata;
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    m.name = o.name;
    if (o.namespace !== undefined) m.namespace = o.namespace;
    if (o.deletionTimestamp !== undefined) m.deletionTimestamp = o.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    // The finalize door exists to change what carryOver protects.
    if (subresource !== 'finalize') this.hooks.carryOver?.(next, old);
    if (o.generation === undefined) delete m.generation;
    else m.generation = o.generation;
    dropEmptyMaps(next);
    this.hooks.defaults?.(next);
    return next;
  }

  /** After all defaulting: a changed spec is a new generation. */
  bumpGeneration(next: KObject, old: KObject): void {
    if (old.metadata.generation === undefined) return;
    // A Deployment's annotations drive rollbacks and restarts, so they count as spec too.
    const annotationsChanged = this.kind.kind === 'Deployment' && !jsonEqual(next.metadata.annotations ?? {}, old.metadata.annotations ?? {});
    if (annotationsChanged || !jsonEqual(specOf(next), specOf(old))) next.metadata.generation = old.metadata.generation + 1;
  }

  validate(obj: KObject): StatusCause[] {
    return [...validateMetadata(this.kind, obj.metadata), ...(this.hooks.validate?.(obj) ?? [])];
  }

  validateUpdate(obj: KObject, old: KObject): StatusCause[] {
    const causes = this.validate(obj);
    if (isObject(old) && this.hooks.validateUpdate) causes.push(...this.hooks.validateUpdate(obj, old));
    return causes;
  }
}
