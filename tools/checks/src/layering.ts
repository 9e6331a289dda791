import { join } from 'node:path';
import { repoRoot, runBin } from './run-bin.ts';

/** The folders of the three layers, as .dependency-cruiser.mjs names them. */
const layers = ['services', 'packages', 'tools'];

export interface LayeringViolation {
  rule: string;
  from: string;
  to: string;
  /** For a circle: its modules, from the one after `from` back to `from`. */
  cycle?: string[];
}

interface CruiseResult {
  summary: {
    violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[];
  };
}

/**
 * Runs dependency-cruiser with the repository's rules (.dependency-cruiser.mjs) over the layers of the
 * workspace at `root`: this repository, or a fixture laid out like it.
 */
export async function layeringViolations(root = repoRoot): Promise<LayeringViolation[]> {
  const config = join(repoRoot, '.dependency-cruiser.mjs');
  const result = await runBin('depcruise', ['--config', config, '--output-type', 'json', ...layers], root);
  let cruise: CruiseResult;
  try {
    cruise = JSON.parse(result.stdout) as CruiseResult;
  } catch {
    throw new Error(`dependency-cruiser failed (exit ${result.status}): ${result.stderr.trim()}`);
  }
  return cruise.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
    ...(v.cycle && { cycle: v.cycle.map((step) => step.name) }),
  }));
}

/** For `npm run lint`: every layering violation, or undefined when there is none. */
export async function checkLayering(): Promise<string | undefined> {
  const violations = await layeringViolations();
  if (violations.length === 0) return undefined;
  const lines = violations.map((v) => `  ${v.rule}: ${v.from} → ${v.cycle ? v.cycle.join(' → ') : v.to}`);
  return `imports break the layering (rules in .dependency-cruiser.mjs):\n${lines.join('\n')}`;
}
