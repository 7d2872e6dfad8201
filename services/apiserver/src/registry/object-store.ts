import type { KindDef } from '@kite/api';
import { StorageError, type EtcdStorage, type KeyValue } from '@kite/storage';
import { alreadyExists, conflict, expired, internal, notFound, serviceUnavailable, type ResourceName } from '../errors.js';
import type { KObject } from '../object.js';

/** Where one kind's objects live in the store: `/registry/<resource>/<namespace>/<name>`. */
export class Keys {
  constructor(readonly kind: KindDef) {}

  object(namespace: string | undefined, name: string): string {
    return this.kind.namespaced ? `/registry/${this.kind.resource}/${namespace}/${name}` : `/registry/${this.kind.resource}/${name}`;
  }

  /** Every object of the kind, or of one namespace. */
  prefix(namespace?: string): string {
    return namespace !== undefined && this.kind.namespaced ? `/registry/${this.kind.resource}/${namespace}/` : `/registry/${this.kind.resource}/`;
  }
}

export function decodeObject(kv: KeyValue): KObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** resourceVersion is the store's mod_revision; it is never stored inside the value. */
function encodeObject(obj: KObject): Buffer {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return Buffer.from(JSON.stringify({ ...obj, metadata }));
}

/** Maps a storage failure to the API error a client should see. */
export function storageFailure(err: unknown): Error {
  if (err instanceof StorageError) {
    if (err.kind === 'Compacted') return expired(`The resourceVersion for the provided list is too old.`);
    if (err.kind === 'Unavailable') return serviceUnavailable(`the storage is unavailable: ${err.message}`);
    return internal(err.message);
  }
  return err as Error;
}

export interface ListPage {
  items: KObject[];
  revision: number;
  /** Key of the last item returned, when more remain. */
  continueAfter?: string;
  remaining?: number;
}

/** Thrown inside an update function to stop the update without writing. */
export class NoChange extends Error {}

/**
 * CRUD for one kind over the etcd v3 API: create is put-if-absent, update and delete are
 * compare-and-swap on the object's resourceVersion, and a lost race is retried against the
 * fresh object unless the caller pinned a resourceVersion (then it is a 409 Conflict).
 */
export class ObjectStore {
  readonly keys: Keys;
  readonly name: ResourceName;

  constructor(
    readonly storage: EtcdStorage,
    readonly kind: KindDef,
  ) {
    this.keys = new Keys(kind);
    this.name = { group: kind.group, resource: kind.resource };
  }

  async get(namespace: string | undefined, name: string): Promise<KObject> {
    const r = await this.storage.get(this.keys.object(namespace, name)).catch((e: unknown) => Promise.reject(storageFailure(e)));
    if (r.kv === undefined) throw notFound(this.name, name);
    return decodeObject(r.kv);
  }

  async list(namespace: string | undefined, opts: { limit?: number; after?: string; revision?: number } = {}): Promise<ListPage> {
    const prefix = this.keys.prefix(namespace);
    const r = await this.storage.list(prefix, opts).catch((e: unknown) => Promise.reject(storageFailure(e)));
    const items = r.kvs.map(decodeObject);
    const page: ListPage = { items, revision: opts.revision || r.revision };
    if (r.more && r.kvs.length > 0) {
      page.continueAfter = (r.kvs[r.kvs.length - 1] as KeyValue).key;
      page.remaining = r.count - r.kvs.length;
    }
    return page;
  }

  async create(obj: KObject): Promise<KObject> {
    const key = this.keys.object(obj.metadata.namespace, obj.metadata.name as string);
    const r = await this.storage.create(key, encodeObject(obj)).catch((e: unknown) => Promise.reject(storageFailure(e)));
    if (!r.ok) throw alreadyExists(this.name, obj.metadata.name as string);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(r.revision) } };
  }

  /**
   * Reads the object, lets `update` compute the next version and writes it if the object has
   * not changed meanwhile; retries on a lost race. `update` may throw NoChange to write nothing.
   *
   * With `cached` (the watch cache's copy) the first attempt skips the read, as Kubernetes'
   * GuaranteedUpdate does with its suggestion: the compare-and-swap catches a stale copy, and
   * any answer other than a write (an error, no change, a conflict) is decided again on a
   * fresh read, so a stale cache never shows in a response.
   */
  async update(
    namespace: string | undefined,
    name: string,
    update: (current: KObject) => KObject | Promise<KObject>,
    opts: { cached?: KObject } = {},
  ): Promise<{ object: KObject; changed: boolean }> {
    let fresh = opts.cached === undefined;
    let current = opts.cached ?? (await this.get(namespace, name));
    const refresh = async (): Promise<void> => {
      current = await this.get(namespace, name);
      fresh = true;
    };
    for (;;) {
      let next: KObject;
      try {
        next = await update(structuredClone(current));
      } catch (err) {
        if (!fresh) {
          await refresh();
          continue;
        }
        if (err instanceof NoChange) return { object: current, changed: false };
        throw err;
      }
      const pinned = next.metadata.resourceVersion;
      if (pinned !== undefined && pinned !== '' && pinned !== current.metadata.resourceVersion) {
        if (!fresh) {
          await refresh();
          continue;
        }
        throw conflict(this.name, name);
      }
      const key = this.keys.object(namespace, name);
      const r = await this.storage
        .update(key, encodeObject(next), Number(current.metadata.resourceVersion))
        .catch((e: unknown) => Promise.reject(storageFailure(e)));
      if (r.ok) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: String(r.revision) } }, changed: true };
      if (r.current === undefined) throw notFound(this.name, name);
      // Computed again from the fresh object: a version the caller pinned no longer matches
      // (a conflict, above), while a patch that pinned nothing applies anew, as in Kubernetes.
      current = decodeObject(r.current);
      fresh = true;
    }
  }

  /** Deletes the object if it is still at `resourceVersion` (when given); returns what was deleted. */
  async delete(namespace: string | undefined, name: string, resourceVersion?: string): Promise<KObject> {
    const key = this.keys.object(namespace, name);
    const r = await this.storage
      .delete(key, resourceVersion === undefined ? undefined : Number(resourceVersion))
      .catch((e: unknown) => Promise.reject(storageFailure(e)));
    if (!r.ok) {
      if (resourceVersion !== undefined && r.current !== undefined) throw conflict(this.name, name);
      throw notFound(this.name, name);
    }
    const obj = decodeObject(r.prev as KeyValue);
    obj.metadata.resourceVersion = String(r.revision);
    return obj;
  }
}
