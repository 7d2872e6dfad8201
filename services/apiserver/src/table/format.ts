import { labelValueError, qualifiedNameError } from '@kite/api';
import { isObj, list, obj, objList, str, strMap, type Obj } from './fields.js';

/** Go's sort.Strings order (bytewise for the ASCII Kubernetes uses). */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** labels.FormatLabels: `k=v` sorted by key, comma-joined; `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const m = strMap(labels);
  const s = Object.keys(m)
    .sort(byCodeUnit)
    .map((k) => `${k}=${m[k]}`)
    .join(',');
  return s === '' ? '<none>' : s;
}

const OPERATORS: Record<string, { op: string; arity: 'some' | 'none' }> = {
  In: { op: ' in ', arity: 'some' },
  NotIn: { op: ' notin ', arity: 'some' },
  Exists: { op: '', arity: 'none' },
  DoesNotExist: { op: '', arity: 'none' },
};

interface Req {
  key: string;
  text: string;
}

function requirement(key: string, operator: string, values: string[]): Req {
  if (qualifiedNameError(key) !== undefined) throw new Error(`invalid label key ${key}`);
  for (const v of values) if (labelValueError(v) !== undefined) throw new Error(`invalid label value ${v}`);
  if (operator === '=') {
    return { key, text: `${key}=${values[0] ?? ''}` };
  }
  const spec = OPERATORS[operator];
  if (spec === undefined) throw new Error(`"${operator}" is not a valid label selector operator`);
  if (spec.arity === 'none') {
    if (values.length > 0) throw new Error('values set must be empty for exists and does not exist');
    return { key, text: operator === 'DoesNotExist' ? `!${key}` : key };
  }
  if (values.length === 0) throw new Error("for 'in', 'notin' operators, values set can't be empty");
  return { key, text: `${key}${spec.op}(${[...values].sort(byCodeUnit).join(',')})` };
}

/**
 * metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, matchLabels as `k=v`,
 * set values sorted. Empty or absent selectors print as ''. Throws on an invalid selector.
 */
export function labelSelectorString(sel: unknown): string {
  if (!isObj(sel)) return '';
  const reqs: Req[] = [];
  const matchLabels = strMap(sel.matchLabels);
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(requirement(k, '=', [v]));
  for (const e of objList(sel.matchExpressions)) {
    reqs.push(requirement(str(e.key), str(e.operator), list(e.values).map(str)));
  }
  // A stable sort by key, as selector.Add sorts requirements.
  return reqs
    .sort((a, b) => byCodeUnit(a.key, b.key))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: unknown): string {
  try {
    const s = labelSelectorString(sel);
    return s === '' ? '<none>' : s;
  } catch {
    return '<error>';
  }
}

/** Comma-joined container names and images of a pod template (layoutContainerCells). */
export function containerCells(podTemplate: Obj): [names: string, images: string] {
  const containers = objList(obj(podTemplate, 'spec').containers);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/** net.JoinHostPort: IPv6 literals in brackets. */
export const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
