import { KiteApiError, type KiteClient, type KubeObject, type Target } from './kite-client.js';

export interface InformerOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** First delay after a failed list or watch; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerLogger {
  warn(obj: object, msg: string): void;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the work queue's key. */
export const objectKey = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name as string));

/**
 * client-go's informer: lists, then watches from the list's resourceVersion, keeping a local
 * cache; a broken watch resumes from the last resourceVersion seen, a 410 re-lists (and the
 * differences become events), failures back off.
 */
export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Array<EventHandlers<T>> = [];
  private resourceVersion = '';
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private stopWatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private backoff: number;

  constructor(
    private readonly client: KiteClient,
    readonly target: Target,
    private readonly opts: InformerOptions = {},
    private readonly log?: InformerLogger,
  ) {
    this.backoff = opts.backoffMs ?? 200;
  }

  addEventHandler(h: EventHandlers<T>): void {
    this.handlers.push(h);
    // Late subscribers still see every object once, as client-go does.
    if (this.synced) for (const o of this.cache.values()) h.onAdd?.(o);
  }

  start(): void {
    this.stopped = false;
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      if (kind === 'add') h.onAdd?.(obj);
      else if (kind === 'update') h.onUpdate?.(old as T, obj);
      else h.onDelete?.(obj);
    }
  }

  private retry(what: () => void, err: unknown): void {
    if (this.stopped) return;
    this.log?.warn({ err: err instanceof Error ? err.message : String(err), kind: this.target.kind }, 'informer retrying');
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5000);
    this.timer = setTimeout(what, delay);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const items: T[] = [];
      let cont = '';
      let rv = '';
      do {
        const page = await this.client.list<T>(this.target, { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, limit: 500, continue: cont });
        items.push(...page.items);
        cont = page.continue;
        rv = page.resourceVersion;
      } while (cont !== '');
      if (this.stopped) return;
      this.replace(items);
      this.resourceVersion = rv;
      this.backoff = this.opts.backoffMs ?? 200;
      if (!this.synced) {
        this.synced = true;
        for (const w of this.syncWaiters.splice(0)) w();
      }
      this.watch();
    } catch (err) {
      this.retry(() => void this.relist(), err);
    }
  }

  /** A fresh list replaces the cache; what changed meanwhile is delivered as events. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const o of items) {
      const key = objectKey(o);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, o);
      if (old === undefined) this.emit('add', o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) this.emit('update', o, old);
    }
    for (const [key, o] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.emit('delete', o);
    }
  }

  private watch(): void {
    if (this.stopped) return;
    // The server says "re-list" in-band: an ERROR event carrying a 410 Status.
    let expired = false;
    try {
      this.stopWatch = this.openWatch((v) => (expired = v), () => expired);
    } catch (err) {
      this.retry(() => this.watch(), err);
    }
  }

  private openWatch(setExpired: (v: boolean) => void, isExpired: () => boolean): () => void {
    return this.client.watch<T>(
      this.target,
      { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, resourceVersion: this.resourceVersion, allowBookmarks: true },
      {
        onEvent: (type, obj) => {
          if (type === 'ERROR') {
            if ((obj as unknown as { code?: number }).code === 410) setExpired(true);
            return;
          }
          const rv = obj.metadata.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (type === 'BOOKMARK') return;
          const key = objectKey(obj);
          const old = this.cache.get(key);
          if (type === 'DELETED') {
            this.cache.delete(key);
            this.emit('delete', obj);
          } else {
            this.cache.set(key, obj);
            if (old === undefined) this.emit('add', obj);
            else this.emit('update', obj, old);
          }
        },
        onEnd: (err) => {
          this.stopWatch = undefined;
          if (this.stopped) return;
          if (isExpired() || (err instanceof KiteApiError && err.code === 410)) return void this.relist();
          if (err === undefined) return this.watch();
          this.retry(() => this.watch(), err);
        },
      },
    );
  }
}
