import { labelValueError, qualifiedNameError } from './validation.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'GreaterThan' | 'LessThan';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** A parsed label selector: every requirement must hold. Empty matches everything. */
export interface Selector {
  requirements: Requirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  toString(): string;
}

export class SelectorError extends Error {
  override name = 'SelectorError';
}

function holds(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key] as string;
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return has && r.values.includes(value);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || !/^-?\d+$/.test(value)) return false;
      const n = BigInt(value);
      const bound = BigInt(r.values[0] as string);
      return r.operator === 'GreaterThan' ? n > bound : n < bound;
    }
  }
}

function format(r: Requirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Equals':
      return `${r.key}=${r.values[0]}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0]}`;
    case 'GreaterThan':
      return `${r.key}>${r.values[0]}`;
    case 'LessThan':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key} ${r.operator.toLowerCase()} (${r.values.join(',')})`;
  }
}

export function selector(requirements: Requirement[]): Selector {
  return {
    requirements,
    matches: (labels) => requirements.every((r) => holds(r, labels ?? {})),
    toString: () => requirements.map(format).join(','),
  };
}

function checkRequirement(r: Requirement): Requirement {
  const keyErr = qualifiedNameError(r.key);
  if (keyErr) throw new SelectorError(`invalid label key "${r.key}": ${keyErr}`);
  if (r.operator === 'GreaterThan' || r.operator === 'LessThan') {
    if (r.values.length !== 1 || !/^-?\d+$/.test(r.values[0] as string)) {
      throw new SelectorError(`for 'Gt', 'Lt' operators, exactly one integer value is required, got ${JSON.stringify(r.values)}`);
    }
    return r;
  }
  for (const v of r.values) {
    const err = labelValueError(v);
    if (err) throw new SelectorError(`invalid label value: "${v}": at key: "${r.key}": ${err}`);
  }
  return r;
}

type Token = { kind: 'id' | 'op' | 'end'; text: string; pos: number };

const OPERATORS = ['!=', '==', '=', '!', '(', ')', ',', '<', '>'];

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    const start = i;
    while (i < input.length && !/\s/.test(input[i] as string) && !OPERATORS.some((o) => input.startsWith(o, i))) i++;
    tokens.push({ kind: 'id', text: input.slice(start, i), pos: start });
  }
  tokens.push({ kind: 'end', text: '', pos: input.length });
  return tokens;
}

/**
 * Parses a label selector string the way Kubernetes does: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`, joined by commas.
 */
export function parseSelector(input: string): Selector {
  const tokens = tokenize(input);
  let p = 0;
  const peek = (): Token => tokens[p] as Token;
  const next = (): Token => tokens[p++] as Token;
  const fail = (what: string, t: Token): never => {
    throw new SelectorError(`unable to parse requirement: found '${t.text || 'end of string'}', expected: ${what}`);
  };
  const requirements: Requirement[] = [];
  if (peek().kind === 'end') return selector([]);
  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id') fail('identifier after "!"', key);
      requirements.push(checkRequirement({ key: key.text, operator: 'DoesNotExist', values: [] }));
    } else {
      if (t.kind !== 'id') fail('identifier', t);
      const key = t.text;
      t = peek();
      if (t.kind === 'end' || (t.kind === 'op' && t.text === ',')) {
        requirements.push(checkRequirement({ key, operator: 'Exists', values: [] }));
      } else {
        next();
        if (t.kind === 'op' && ['=', '==', '!=', '<', '>'].includes(t.text)) {
          const operator: Operator = t.text === '!=' ? 'NotEquals' : t.text === '<' ? 'LessThan' : t.text === '>' ? 'GreaterThan' : 'Equals';
          const v = peek();
          let value = '';
          if (v.kind === 'id') value = next().text;
          else if (!(v.kind === 'end' || (v.kind === 'op' && v.text === ','))) fail('identifier', v);
          requirements.push(checkRequirement({ key, operator, values: [value] }));
        } else if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
          const open = next();
          if (!(open.kind === 'op' && open.text === '(')) fail("'('", open);
          const values: string[] = [];
          for (;;) {
            const v = next();
            if (v.kind === 'id') values.push(v.text);
            else if (v.kind === 'op' && v.text === ')' && values.length === 0) break;
            else fail('identifier', v);
            const sep = next();
            if (sep.kind === 'op' && sep.text === ')') break;
            if (!(sep.kind === 'op' && sep.text === ',')) fail("',' or ')'", sep);
          }
          if (values.length === 0) throw new SelectorError(`for 'in', 'notin' operators, values set can't be empty`);
          requirements.push(checkRequirement({ key, operator: t.text === 'in' ? 'In' : 'NotIn', values }));
        } else {
          fail('=, ==, !=, <, >, in, notin', t);
        }
      }
    }
    const sep = next();
    if (sep.kind === 'end') break;
    if (!(sep.kind === 'op' && sep.text === ',')) fail("','", sep);
  }
  return selector(requirements);
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** A metav1.LabelSelector (matchLabels and matchExpressions) as a Selector. */
export function selectorFromObject(ls: { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }): Selector {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) reqs.push(checkRequirement({ key, operator: 'In', values: [value] }));
  for (const e of ls.matchExpressions ?? []) {
    const values = e.values ?? [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) throw new SelectorError(`for 'in', 'notin' operators, values set can't be empty`);
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) throw new SelectorError(`values set must be empty for exists and does not exist`);
    } else {
      throw new SelectorError(`"${e.operator}" is not a valid label selector operator`);
    }
    reqs.push(checkRequirement({ key: e.key, operator: e.operator, values: [...values] }));
  }
  return selector(reqs);
}
