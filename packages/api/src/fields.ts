export interface FieldTerm {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  terms: FieldTerm[];
  /** `fields` holds an object's selectable fields (metadata.name, status.phase …); a missing one is "". */
  matches(fields: Record<string, string>): boolean;
}

export class FieldSelectorError extends Error {
  override name = 'FieldSelectorError';
}

/** Splits on unescaped `sep`; a backslash escapes the next character (`\,`, `\=`, `\\`). */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[++i] as string);
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Parses `a=b,c!=d` (also `a==b`), as Kubernetes' field selectors allow. */
export function parseFieldSelector(input: string): FieldSelector {
  const terms: FieldTerm[] = [];
  if (input.trim() !== '') {
    for (const part of splitEscaped(input, ',')) {
      const m = /^((?:[^\\!=]|\\.)*)(!=|==|=)(.*)$/.exec(part);
      if (!m || (m[1] as string).trim() === '') throw new FieldSelectorError(`invalid selector: '${input}'; can't understand '${part}'`);
      const value = m[3] as string;
      if (/(^|[^\\])[=!]/.test(value)) throw new FieldSelectorError(`invalid selector: '${input}'; can't understand '${part}'`);
      terms.push({ field: unescape((m[1] as string).trim()), op: m[2] === '!=' ? '!=' : '=', value: unescape(value.trim()) });
    }
  }
  return {
    terms,
    matches: (fields) => terms.every((t) => ((fields[t.field] ?? '') === t.value) === (t.op === '=')),
  };
}
