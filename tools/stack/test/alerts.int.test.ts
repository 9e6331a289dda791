import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/processes.ts';
import { readYaml } from './container-files.ts';

// The alert rules of infra/prometheus/alerts.yml, checked and unit-tested by Prometheus's own promtool
// (Debian package prometheus). Without promtool these tests fail: they never skip.

interface RuleFile {
  groups: {
    name: string;
    rules: {
      alert?: string;
      record?: string;
      expr: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const dir = join(repoRoot, 'infra/prometheus');
const alerts = readYaml<RuleFile>('infra/prometheus/alerts.yml')
  .groups.flatMap((g) => g.rules)
  .filter((r) => r.alert);
const ruleTests = readYaml<RuleTests>('infra/prometheus/alerts.test.yml');

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `promtool is needed to check the alert rules: install the Debian package prometheus ` +
        `(apt-get install -y --no-install-recommends prometheus), which ships /usr/bin/promtool (${result.error.message})`,
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('infra/prometheus/alerts.yml', () => {
  it('when promtool checks the rules, then they are valid', () => {
    const { status, output } = promtool('check', 'rules', 'alerts.yml');
    expect(status, output).toBe(0);
  });

  it('when Prometheus loads its config, then the rule file is wired in and found', () => {
    const { status, output } = promtool('check', 'config', 'prometheus.yml');
    expect(status, output).toBe(0);
    expect(output).toContain('alerts.yml');
    expect(readYaml<{ rule_files?: string[] }>('infra/prometheus/prometheus.yml').rule_files).toContain('alerts.yml');
  });

  it('when promtool runs the rule unit tests, then every case passes', () => {
    expect(ruleTests.rule_files).toEqual(['alerts.yml']);
    const { status, output } = promtool('test', 'rules', 'alerts.test.yml');
    expect(status, output).toBe(0);
  });

  it.each(alerts.map((a) => a.alert as string))(
    'when %s is tested, then a case fires it and a case does not',
    (name) => {
      const cases = ruleTests.tests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.alertname === name);
      expect(
        cases.some((c) => (c.exp_alerts ?? []).length > 0),
        `${name}: a firing case`,
      ).toBe(true);
      expect(
        cases.some((c) => (c.exp_alerts ?? []).length === 0),
        `${name}: a non-firing case`,
      ).toBe(true);
    },
  );

  it.each(alerts.map((a) => [a.alert as string, a] as const))(
    'when %s fires, then it says how severe it is and what happened',
    (_, alert) => {
      expect(['page', 'ticket']).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary).toBeTruthy();
      expect(alert.annotations?.description).toBeTruthy();
    },
  );
});
