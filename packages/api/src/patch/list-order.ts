import type { JsonValue } from './json.js';

/** Identifies a list element across the live list and the patch: its merge key value, or itself. */
export type ElementId = (v: JsonValue) => unknown;

function positions(list: readonly JsonValue[], id: ElementId): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((v, i) => {
    const k = id(v);
    if (!at.has(k)) at.set(k, i);
  });
  return at;
}

/** Stable sort by position in `order`; elements `order` does not name keep their relative place after it. */
function sortBy(items: JsonValue[], order: Map<unknown, number>, id: ElementId): JsonValue[] {
  const rank = (v: JsonValue): number => order.get(id(v)) ?? Number.MAX_SAFE_INTEGER;
  return items
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i)
    .map((x) => x.v);
}

/**
 * The order strategic merge patch gives a merged list (apimachinery's normalizeElementOrder):
 * elements `patchOrder` names come in its order; elements only the server had keep their live
 * order, each slotted in before the first patch element it preceded in the live list. So the
 * patch's order wins, and server-side additions stay near their old neighbours.
 */
export function orderMerged(merged: JsonValue[], patchOrder: readonly JsonValue[], liveOrder: readonly JsonValue[], id: ElementId): JsonValue[] {
  const inPatch = positions(patchOrder, id);
  const live = positions(liveOrder, id);
  const right = sortBy(
    merged.filter((v) => inPatch.has(id(v))),
    inPatch,
    id,
  );
  const left = sortBy(
    merged.filter((v) => !inPatch.has(id(v))),
    live,
    id,
  );

  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) {
      out.push(left[i++] as JsonValue);
    } else if (i >= left.length) {
      out.push(right[j++] as JsonValue);
    } else {
      const li = live.get(id(left[i] as JsonValue));
      const ri = live.get(id(right[j] as JsonValue));
      out.push(li !== undefined && ri !== undefined && li < ri ? (left[i++] as JsonValue) : (right[j++] as JsonValue));
    }
  }
  return out;
}
