const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/**
 * Milliseconds of a k6 duration string: Go's syntax restricted to the units k6 scripts use (`500ms`, `30s`,
 * `1m30s`, `2h`).
 * @throws on anything else, naming `what`, so a script's typo never becomes a zero-length scenario.
 */
export function parseDuration(value: unknown, what = 'duration'): number {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`k6-runner: ${what} must be a duration string such as "30s", not ${JSON.stringify(value)}`);
  }
  if (value === '0') return 0;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const start = PART.lastIndex;
    const match = PART.exec(value);
    if (!match || match.index !== start) {
      throw new Error(`k6-runner: ${what} "${value}" is not a duration it understands (units: ms, s, m, h)`);
    }
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return total;
}
