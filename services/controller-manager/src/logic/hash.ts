import type { PodTemplate } from './types.js';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: no vowels, no look-alikes, so a hash never spells a word. */
export const safeEncode = (s: string): string => [...s].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');

export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal templates print the same whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** The template without the pod-template-hash label a ReplicaSet's copy carries. */
export function withoutHash(t: PodTemplate): PodTemplate {
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  const metadata = { ...(t.metadata ?? {}), labels };
  if (Object.keys(labels).length === 0) delete (metadata as { labels?: unknown }).labels;
  return { ...t, metadata };
}

/**
 * The pod-template-hash of a template. Kubernetes hashes the Go %#v printing of the template
 * with fnv32a; kite hashes its canonical JSON instead (same idea, different digits: hashes
 * are not comparable with a real cluster's, and need not be). collisionCount perturbs it.
 */
export function templateHash(t: PodTemplate, collisionCount = 0): string {
  let s = canonicalJson(withoutHash(t));
  if (collisionCount > 0) s += `#${collisionCount}`;
  return safeEncode(String(fnv32a(s)));
}

/** EqualIgnoreHash: same template once both lose their pod-template-hash label. */
export const equalIgnoreHash = (a: PodTemplate, b: PodTemplate): boolean => canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));

/** Go's omitempty: zero numbers, empty strings, false, null and empty lists or maps vanish on the wire. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      const empty = p === undefined || p === null || p === 0 || p === '' || p === false || (Array.isArray(p) && p.length === 0) || (typeof p === 'object' && p !== null && Object.keys(p).length === 0);
      if (!empty) out[k] = p;
    }
    return out;
  }
  return v;
}

/**
 * Whether two statuses say the same once zero values are dropped, so a status the apiserver
 * stored without its zeros is not written again and again.
 */
export const sameStatus = (a: unknown, b: unknown): boolean => canonicalJson(prune(a ?? {})) === canonicalJson(prune(b ?? {}));
