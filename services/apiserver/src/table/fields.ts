/**
 * Small typed reads of Kubernetes JSON. Printers see objects as stored, so any field may be
 * absent or of an unexpected shape; every reader answers the Go zero value instead of throwing.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `path`, or an empty one (Go's zero struct). */
export function obj(root: unknown, ...path: string[]): Obj {
  let cur: unknown = root;
  for (const key of path) cur = isObj(cur) ? cur[key] : undefined;
  return isObj(cur) ? cur : {};
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);

/** A pointer field: undefined when absent, as Go's nil. */
export const optInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined);

export const bool = (v: unknown): boolean => v === true;

export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const objList = (v: unknown): Obj[] => list(v).filter(isObj);

export const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
};

/** Number of keys of a map field (Go's len(map)). */
export const mapLen = (v: unknown): number => (isObj(v) ? Object.keys(v).length : 0);

/** A metav1.Time / MicroTime as epoch milliseconds; undefined for the zero time. */
export function time(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

export const name = (o: Obj): string => str(obj(o, 'metadata').name);

export const creation = (o: Obj): number | undefined => time(obj(o, 'metadata').creationTimestamp);

export const deleting = (o: Obj): boolean => time(obj(o, 'metadata').deletionTimestamp) !== undefined;
