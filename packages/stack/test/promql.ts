const keywords = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

export interface PromqlNames {
  /** Series names: metrics as written (`…_bucket` included) and recording rules. */
  series: string[];
  /** Labels in matchers and in by/without/on/ignoring/group_* clauses. */
  labels: string[];
}

/**
 * The series and label names a PromQL expression reads, found lexically: good enough for the expressions of
 * this repository (no label names inside strings, no nested braces), not a PromQL parser.
 */
export function promqlNames(expr: string): PromqlNames {
  const labels = new Set<string>();
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  rest = rest.replace(/\{([^}]*)\}/g, (_, matchers: string) => {
    for (const m of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) if (m[1]) labels.add(m[1]);
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  rest = rest.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_, list: string) => {
    for (const label of list.split(',').map((l) => l.trim())) if (label) labels.add(label);
    return ' ';
  });
  const series = new Set<string>();
  for (const m of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const before = rest[(m.index ?? 0) - 1] ?? ' ';
    const after = rest.slice((m.index ?? 0) + name.length);
    if (/^\s*\(/.test(after) || keywords.has(name.toLowerCase()) || /[\d.$]/.test(before)) continue;
    series.add(name);
  }
  return { series: [...series], labels: [...labels] };
}
