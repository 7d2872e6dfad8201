import { apiVersionOf, type KindDef } from '@kite/api';
import type { Logger } from '@kite/common';
import type { EtcdStorage } from '@kite/storage';
import { ApiError, badRequest, conflict, expired, invalid, type StatusCause } from '../errors.js';
import { jsonEqual } from '../object.js';
import type { KObject } from '../object.js';
import { NoChange, ObjectStore } from './object-store.js';
import type { ObjectFilter } from './selectable-fields.js';
import type { Strategy, UpdateSubresource } from './strategy.js';
import { WatchCache, type Subscriber } from './watch-cache.js';

export interface WriteOptions {
  dryRun: boolean;
  /** Fields unknown to the schema: reject (Strict), warn (Warn) or drop (Ignore). */
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  fieldManager?: string;
}

/** What the schema says about a body: defaults to apply and structural problems. */
export interface SchemaCheck {
  /**
   * Unknown fields (Kubernetes path form), type errors (a 400: the body cannot be decoded) and
   * structural invalidity such as missing required fields or values outside an enum (a 422).
   */
  check(kind: KindDef, obj: KObject): { unknown: string[]; typeErrors: StatusCause[]; invalid: StatusCause[] };
  defaults(kind: KindDef, obj: KObject): KObject;
  /** Drops unknown fields (fieldValidation=Ignore/Warn keeps the rest). */
  prune(kind: KindDef, obj: KObject): KObject;
}

/** Admission: the checks every write passes before it is stored. */
export interface Admission {
  admit(kind: KindDef, obj: KObject, op: 'create' | 'update'): Promise<void>;
}

export interface ListQuery {
  namespace?: string;
  filter: ObjectFilter;
  limit: number;
  continueToken?: string;
  resourceVersion?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continueToken?: string;
  remaining?: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

/** One resource's behaviour: the same create/update/delete path for REST and gRPC callers. */
export class Resource {
  readonly store: ObjectStore;
  readonly cache: WatchCache;

  constructor(
    readonly kind: KindDef,
    readonly strategy: Strategy,
    storage: EtcdStorage,
    private readonly schema: SchemaCheck,
    private readonly admission: Admission,
    log: Logger,
    cacheOpts: { capacity: number; catchUpTimeoutMs: number },
  ) {
    this.store = new ObjectStore(storage, kind);
    this.cache = new WatchCache(storage, this.store.keys.prefix(), log.child({ resource: kind.resource }), cacheOpts);
  }

  get apiVersion(): string {
    return apiVersionOf(this.kind);
  }

  /** Checks a body's kind/apiVersion and structure; returns the object to work with and warnings. */
  decode(body: unknown, opts: Pick<WriteOptions, 'fieldValidation'>): { obj: KObject; warnings: string[] } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`the body of the request must be a JSON or YAML object`);
    const obj = body as KObject;
    if (obj.kind !== undefined && obj.kind !== this.kind.kind)
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${this.kind.kind})`);
    if (obj.apiVersion !== undefined && obj.apiVersion !== this.apiVersion)
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${this.apiVersion})`);
    if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
    const { unknown, typeErrors, invalid: causes } = this.schema.check(this.kind, obj);
    const what = `${this.kind.kind} in version "${this.kind.version}" cannot be handled as a ${this.kind.kind}`;
    if (typeErrors.length > 0) throw badRequest(`${what}: ${typeErrors.map((e) => e.message).join(', ')}`);
    this.checkValid(obj, causes);
    const warnings: string[] = [];
    if (unknown.length > 0) {
      if (opts.fieldValidation === 'Strict') throw badRequest(`${what}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
      if (opts.fieldValidation === 'Warn') warnings.push(...unknown.map((u) => `unknown field "${u}"`));
    }
    const pruned = unknown.length > 0 ? this.schema.prune(this.kind, obj) : obj;
    return { obj: { ...pruned, apiVersion: this.apiVersion, kind: this.kind.kind }, warnings };
  }

  private checkValid(obj: KObject, causes: StatusCause[]): void {
    if (causes.length > 0) throw invalid(this.kind, obj.metadata.name ?? '', causes);
  }

  async create(namespace: string | undefined, body: KObject, opts: WriteOptions): Promise<KObject> {
    if (body.metadata.resourceVersion !== undefined && body.metadata.resourceVersion !== '')
      throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
    const obj = this.schema.defaults(this.kind, body);
    if (this.kind.namespaced) {
      const ns = obj.metadata.namespace;
      if (ns !== undefined && ns !== '' && ns !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = namespace;
    } else delete obj.metadata.namespace;
    this.strategy.prepareForCreate(obj, new Date());
    this.checkValid(obj, this.strategy.validate(obj));
    await this.admission.admit(this.kind, obj, 'create');
    if (opts.dryRun) return obj;
    return this.store.create(obj);
  }

  async get(namespace: string | undefined, name: string): Promise<KObject> {
    return this.withType(await this.store.get(namespace, name));
  }

  /** The watch cache's copy, a first guess for an update (shared: never mutate it). */
  cached(namespace: string | undefined, name: string): KObject | undefined {
    return this.cache.get(this.store.keys.object(namespace, name));
  }

  withType(obj: KObject): KObject {
    return { apiVersion: this.apiVersion, kind: this.kind.kind, ...obj };
  }

  /**
   * Replaces the object with what `compute` makes of the current one (PUT computes nothing
   * from it; PATCH applies the patch to it), through one validation path.
   */
  async update(
    namespace: string | undefined,
    name: string,
    subresource: UpdateSubresource | undefined,
    compute: (current: KObject) => KObject,
    opts: WriteOptions,
  ): Promise<KObject> {
    let dryResult: KObject | undefined;
    const r = await this.store.update(namespace, name, async (current) => {
      // compute may mutate what it is given; the stored version must stay as it was for the comparisons below.
      const proposed = compute(structuredClone(current));
      if (proposed.metadata.name !== undefined && proposed.metadata.name !== name)
        throw badRequest(`the name of the object (${proposed.metadata.name}) does not match the name on the URL (${name})`);
      const next = this.schema.defaults(this.kind, this.strategy.prepareForUpdate(proposed, current, subresource));
      next.apiVersion = this.apiVersion;
      next.kind = this.kind.kind;
      this.strategy.bumpGeneration(next, current);
      // Nothing changed: no write, no new resourceVersion, no watch event (kubectl: "no change").
      if (sameObject(next, current)) {
        if (next.metadata.resourceVersion !== undefined && next.metadata.resourceVersion !== '' && next.metadata.resourceVersion !== current.metadata.resourceVersion)
          throw conflict(this.store.name, name);
        throw new NoChange();
      }
      this.checkValid(next, this.strategy.validateUpdate(next, current));
      await this.admission.admit(this.kind, next, 'update');
      if (opts.dryRun) {
        dryResult = next;
        throw new NoChange();
      }
      return next;
    }, { cached: this.cached(namespace, name) });
    return this.withType(dryResult ?? r.object);
  }

  async delete(namespace: string | undefined, name: string, resourceVersion?: string): Promise<KObject> {
    return this.withType(await this.store.delete(namespace, name, resourceVersion));
  }

  /**
   * Lists from the store (a consistent read at the latest revision, or the revision of a
   * continue token), or from the watch cache when any resourceVersion will do (`"0"`).
   */
  async list(q: ListQuery): Promise<ListResult> {
    if ((q.resourceVersion === '0' || (q.resourceVersion !== undefined && q.resourceVersion !== '')) && q.continueToken === undefined) {
      const rv = Number(q.resourceVersion);
      if (!Number.isSafeInteger(rv) || rv < 0) throw badRequest(`invalid resourceVersion: ${q.resourceVersion}`);
      await this.cache.waitFor(rv);
      const { items, revision } = this.cache.snapshot();
      const prefix = this.store.keys.prefix(q.namespace);
      const selected = items
        .filter((o) => !this.kind.namespaced || q.namespace === undefined || o.metadata.namespace === q.namespace)
        .filter(q.filter)
        .sort((a, b) => (this.store.keys.object(a.metadata.namespace, a.metadata.name as string) < this.store.keys.object(b.metadata.namespace, b.metadata.name as string) ? -1 : 1));
      void prefix;
      return { items: selected.map((o) => this.withType(o)), resourceVersion: String(revision) };
    }
    let revision = 0;
    let after: string | undefined;
    const prefix = this.store.keys.prefix(q.namespace);
    if (q.continueToken !== undefined) {
      const t = decodeContinue(q.continueToken);
      revision = t.rv;
      after = prefix + t.start;
    }
    const items: KObject[] = [];
    const pageSize = q.limit > 0 ? Math.max(q.limit, 100) : 0;
    for (;;) {
      let page;
      try {
        page = await this.store.list(q.namespace, { limit: pageSize, after, revision });
      } catch (err) {
        if ((err as { code?: number }).code === 410 && q.continueToken !== undefined)
          throw expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          );
        throw err;
      }
      revision = page.revision;
      for (const o of page.items) {
        if (!q.filter(o)) continue;
        items.push(this.withType(o));
        if (q.limit > 0 && items.length === q.limit) {
          const lastKey = this.store.keys.object(o.metadata.namespace, o.metadata.name as string);
          const isLast = page.continueAfter === undefined && o === page.items[page.items.length - 1];
          if (isLast) return { items, resourceVersion: String(revision) };
          return { items, resourceVersion: String(revision), continueToken: encodeContinue(revision, lastKey.slice(prefix.length) + '\0') };
        }
      }
      if (page.continueAfter === undefined) return { items, resourceVersion: String(revision) };
      after = page.continueAfter;
    }
  }

  /** Watches from `resourceVersion` (undefined: current objects first, as ADDED events). */
  watch(resourceVersion: string | undefined, sub: Subscriber): Promise<() => void> {
    let from: number | undefined;
    if (resourceVersion !== undefined && resourceVersion !== '' && resourceVersion !== '0') {
      from = Number(resourceVersion);
      if (!Number.isSafeInteger(from) || from < 0) throw badRequest(`invalid resourceVersion: ${resourceVersion}`);
    }
    return this.cache.subscribe(from, sub);
  }
}

/** Equal apart from resourceVersion (which the caller may have left out or pinned). */
function sameObject(a: KObject, b: KObject): boolean {
  const strip = (o: KObject): KObject => ({ ...o, apiVersion: undefined, kind: undefined, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(strip(a), strip(b));
}

function encodeContinue(rv: number, start: string): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start };
  return Buffer.from(JSON.stringify(t)).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || !Number.isSafeInteger(t.rv) || typeof t.start !== 'string') throw new Error('bad token');
    // The start key is stored relative to the prefix, minus the key-successor byte we added.
    return { rv: t.rv, start: t.start.endsWith('\0') ? t.start.slice(0, -1) : t.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
