import { median } from '../store/stats.js';
import { HttpClient, json, type RequestOptions } from './http.js';
import { createNamespace, createPods, podsPath } from './objects.js';
import type { Stack } from './servers.js';

/** What kubectl get sends for its table output. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const PAGE = 500;

export interface ListForm {
  form: string;
  /** Set when the server refused this form; the figures are then NaN. */
  error?: string;
  /** Median, min and max over calls, ms: one request, or all pages of one walk. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  calls: number;
  pages: number;
  /** Median time of one page, for paginated forms. */
  pageMedianMs?: number;
  /** Response bytes of one walk (all pages). */
  bytes: number;
  /** Items (or table rows) one walk returned; must equal the pods created. */
  items: number;
}

export interface BigListResult {
  pods: number;
  /** Pods created per second while loading (32 clients). */
  loadRate: number;
  forms: ListForm[];
}

interface Walk {
  ms: number;
  pageMs: number[];
  bytes: number;
  names: string[];
}

interface Variant {
  form: string;
  query: Record<string, string>;
  options: RequestOptions;
}

/** Lists all pods of `ns`, following `continue` when the query has a limit. */
async function walk(http: HttpClient, ns: string, v: Variant): Promise<Walk> {
  const w: Walk = { ms: 0, pageMs: [], bytes: 0, names: [] };
  let cont: string | undefined;
  do {
    const q = new URLSearchParams(v.query);
    if (cont) q.set('continue', cont);
    const qs = q.toString();
    const r = await http.expect(200, 'GET', podsPath(ns) + (qs ? `?${qs}` : ''), v.options);
    w.ms += r.ms;
    w.pageMs.push(r.ms);
    w.bytes += r.body.length;
    // Parsed after the clock stopped: the figure is the server's answer, not our JSON.parse.
    const body = json<{ items?: { metadata: { name: string } }[]; rows?: { cells: unknown[]; object?: { metadata?: { name?: string } } }[]; metadata?: { continue?: string } }>(r);
    if (body.rows) w.names.push(...body.rows.map((row) => row.object?.metadata?.name ?? String(row.cells[0])));
    else w.names.push(...(body.items ?? []).map((i) => i.metadata.name));
    cont = body.metadata?.continue || undefined;
  } while (cont);
  return w;
}

async function timeForm(http: HttpClient, ns: string, v: Variant, pods: number, calls: number): Promise<ListForm> {
  const walks: Walk[] = [];
  try {
    await walk(http, ns, v); // warm: the first touch of a path is not what we measure
    for (let i = 0; i < calls; i++) walks.push(await walk(http, ns, v));
  } catch (err) {
    return { form: v.form, error: err instanceof Error ? err.message : String(err), medianMs: NaN, minMs: NaN, maxMs: NaN, calls, pages: 0, bytes: 0, items: 0 };
  }
  const first = walks[0] as Walk;
  const distinct = new Set(first.names).size;
  if (first.names.length !== pods || distinct !== pods) throw new Error(`${v.form}: listed ${first.names.length} items (${distinct} distinct), expected ${pods}`);
  const totals = walks.map((w) => w.ms);
  return {
    form: v.form,
    medianMs: median(totals),
    minMs: Math.min(...totals),
    maxMs: Math.max(...totals),
    calls,
    pages: first.pageMs.length,
    ...(v.query.limit !== undefined ? { pageMedianMs: median(walks.flatMap((w) => w.pageMs)) } : {}),
    bytes: first.bytes,
    items: first.names.length,
  };
}

/**
 * Loads `pods` small pods into one namespace, then times listing them: whole as JSON, in
 * pages of 500, and as the Table kubectl asks for (whole and paged, as `kubectl get` does).
 */
export async function bigList(stack: Stack, pods: number, calls: number, onForm: (f: ListForm) => void): Promise<BigListResult> {
  const http = new HttpClient(stack.apiserver.address, 32);
  const ns = 'x';
  try {
    await createNamespace(http, ns);
    const loadRate = await createPods(http, ns, 'pod-', pods, 32);
    const forms: ListForm[] = [];
    const paged = { limit: String(PAGE) };
    const table = { accept: TABLE_ACCEPT };
    const variants: Variant[] = [
      { form: 'JSON, whole', query: {}, options: {} },
      { form: `JSON, limit=${PAGE} pages`, query: paged, options: {} },
      { form: 'JSON, whole, resourceVersion=0 (watch cache; informers start so)', query: { resourceVersion: '0' }, options: {} },
      { form: 'Table (kubectl get), whole', query: {}, options: table },
      { form: `Table, limit=${PAGE} pages (what kubectl get sends)`, query: paged, options: table },
    ];
    for (const v of variants) {
      const f = await timeForm(http, ns, v, pods, calls);
      onForm(f);
      forms.push(f);
    }
    return { pods, loadRate, forms };
  } finally {
    http.close();
  }
}
