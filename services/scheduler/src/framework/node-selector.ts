import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from './objects.js';

const INTEGER = /^-?\d+$/;

function requirementHolds(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !INTEGER.test(value) || values.length !== 1 || !INTEGER.test(values[0] as string)) return false;
      const n = BigInt(value);
      const bound = BigInt(values[0] as string);
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/**
 * One NodeSelectorTerm: every label expression and every field expression must hold; a term
 * with neither matches nothing. The only field Kubernetes supports is metadata.name.
 */
export function termMatchesNode(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!requirementHolds(e, Object.prototype.hasOwnProperty.call(labels, e.key) ? labels[e.key] : undefined)) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementHolds(f, node.metadata.name)) return false;
  }
  return true;
}

/** Terms are ORed. */
export const termsMatchNode = (terms: readonly NodeSelectorTerm[], node: Node): boolean => terms.some((t) => termMatchesNode(t, node));

/** The pod's nodeSelector and required node affinity both hold for the node. */
export function podMatchesNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined || required === null) return true;
  return termsMatchNode(required.nodeSelectorTerms ?? [], node);
}
