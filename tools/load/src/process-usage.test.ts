import { describe, expect, it } from 'vitest';
import { classify, findProcesses, sampleProcesses } from './process-usage.ts';

describe('process usage', () => {
  it('when command lines are classified, then the stack, the baseline and the servers are named', () => {
    expect(classify('node --import tsx src/main.ts', '/srv/skico/services/gateway')).toBe('gateway');
    expect(classify('node --import tsx src/worker-main.ts', '/srv/skico/services/lift-ride')).toBe('lift-ride-worker');
    expect(classify('node --import tsx baseline-process.ts proxy 4100 64', '/srv/skico/tools/load')).toBe(
      'baseline proxy',
    );
    expect(classify('postgres: lift_ride_svc skico 127.0.0.1(5000) idle', '')).toBe('postgres');
    expect(classify('/usr/lib/erlang/erts/bin/beam.smp -W w -- -root /usr/lib/erlang', '')).toBe('rabbitmq');
    expect(classify('node some-other-tool.js', '/home/someone')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')(
    'when a process burns CPU during a run, then its CPU time per request and its memory are measured',
    async () => {
      const sampler = sampleProcesses(new Map(), { everyMs: 20 });
      // Burns 300 ms of CPU time (not of wall time: the machine may be busy).
      const from = process.cpuUsage();
      let x = 0;
      while (process.cpuUsage(from).user < 300_000) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [self] = sampler.stop(100);
      expect(self?.name).toBe('load tool');
      expect(self?.cpuSeconds).toBeGreaterThanOrEqual(0.2);
      expect(self?.cpuMsPerRequest).toBeCloseTo(((self?.cpuSeconds ?? 0) * 1000) / 100, 6);
      expect(self?.peakRssMb).toBeGreaterThan(10);
      expect(x).toBeGreaterThan(0);
    },
  );

  it.runIf(process.platform === 'linux')('when the machine is scanned, then its Postgres is found', () => {
    // The test suite always runs against a local Postgres (see README).
    expect(findProcesses().get('postgres')?.length ?? 0).toBeGreaterThan(0);
  });
});
