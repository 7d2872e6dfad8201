/**
 * Reads kubectl's column output by the header's column offsets (cells may be blank, so
 * splitting on whitespace would shift them). Keys are the header names.
 */
export function parseTable(out: string): Record<string, string>[] {
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0];
  if (header === undefined) return [];
  const starts: { name: string; at: number }[] = [];
  // Header names may hold one space ("NOMINATED NODE"); columns are separated by at least two.
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(header); m; m = re.exec(header)) starts.push({ name: m[0], at: m.index });
  return lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    starts.forEach((col, i) => {
      const end = starts[i + 1]?.at ?? line.length;
      row[col.name] = line.slice(col.at, end).trim();
    });
    return row;
  });
}

/** The NAME column, sorted: what a selector test compares. */
export function names(out: string): string[] {
  return parseTable(out)
    .map((r) => r.NAME ?? '')
    .sort();
}
