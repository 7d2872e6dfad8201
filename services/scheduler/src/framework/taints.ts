import type { Taint, Toleration } from './objects.js';

/** v1helper.ToleratesTaint: an empty key with Exists tolerates every taint; an empty effect every effect. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export const toleratedBy = (tolerations: readonly Toleration[] | undefined, taint: Taint): boolean => (tolerations ?? []).some((t) => tolerates(t, taint));

/** The first taint matching `which` that no toleration covers. */
export function firstUntolerated(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, which: (t: Taint) => boolean): Taint | undefined {
  return (taints ?? []).find((taint) => which(taint) && !toleratedBy(tolerations, taint));
}
