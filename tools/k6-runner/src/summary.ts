import type { RunResult } from './run-result.ts';

const number = (value: number, isTime: boolean) => (isTime ? `${value.toFixed(2)}ms` : String(+value.toFixed(4)));

/** A k6-like end-of-test summary for the CLI and for test logs. */
export function formatSummary(result: RunResult): string {
  const lines = [`${result.script}: ${result.elapsedSeconds.toFixed(1)} s`];
  lines.push(`  iterations: ${result.iterations.completed} completed, ${result.iterations.interrupted} interrupted`);
  for (const check of result.checks) {
    const mark = check.fails === 0 ? '✓' : '✗';
    lines.push(`  ${mark} ${check.name}: ${check.passes} passed, ${check.fails} failed`);
  }
  for (const metric of result.metrics) {
    const values = Object.entries(metric.values)
      .map(([key, value]) => `${key}=${number(value, metric.isTime && key !== 'count' && key !== 'rate')}`)
      .join(' ');
    lines.push(`  ${metric.name}: ${values}`);
  }
  for (const t of result.thresholds) {
    lines.push(`  ${t.ok ? '✓' : '✗'} threshold ${t.metric} ${t.expression} (actual ${+t.actual.toFixed(4)})`);
  }
  for (const e of [...result.iterationErrors, ...result.requestErrors]) lines.push(`  ! ${e.message} ×${e.count}`);
  lines.push(result.passed ? '  thresholds: all passed' : '  thresholds: some FAILED (k6 would exit 99)');
  return lines.join('\n');
}
