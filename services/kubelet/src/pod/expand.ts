/**
 * Kubernetes' `$(VAR)` expansion for command, args and env values: `$(NAME)` becomes the
 * variable's value, `$$` an escaped `$`, and a reference to an unknown variable (or one never
 * closed) stays as written, so shell-style text passes through untouched.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1] as string;
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        // Unclosed: "$(" is literal and scanning resumes after it, as Kubernetes does.
        out += '$(';
        i += 2;
        continue;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close + 1;
      continue;
    }
    out += '$' + next;
    i += 2;
  }
  return out;
}
