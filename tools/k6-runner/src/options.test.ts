import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.ts';

const scenario = (s: Record<string, unknown>) => ({ scenarios: { s } });

describe('parseOptions', () => {
  it('when scenarios use the implemented executors, then durations are milliseconds and k6 defaults apply', () => {
    const plan = parseOptions({
      scenarios: {
        smoke: { executor: 'per-vu-iterations', vus: 2, iterations: 3 },
        load: { executor: 'constant-vus', vus: 4, duration: '2s', gracefulStop: '1s' },
        stress: { executor: 'ramping-vus', stages: [{ duration: '1m', target: 10 }] },
        soak: { executor: 'constant-arrival-rate', rate: 20, duration: '1h', preAllocatedVUs: 5 },
      },
      thresholds: { http_req_duration: ['p(95)<200', 'avg<100'] },
    });
    expect(plan.scenarios).toEqual([
      {
        name: 'smoke',
        exec: 'default',
        gracefulStopMs: 30_000,
        executor: 'per-vu-iterations',
        vus: 2,
        iterations: 3,
        maxDurationMs: 600_000,
      },
      { name: 'load', exec: 'default', gracefulStopMs: 1_000, executor: 'constant-vus', vus: 4, durationMs: 2_000 },
      {
        name: 'stress',
        exec: 'default',
        gracefulStopMs: 30_000,
        executor: 'ramping-vus',
        startVUs: 1,
        stages: [{ durationMs: 60_000, target: 10 }],
        gracefulRampDownMs: 30_000,
      },
      {
        name: 'soak',
        exec: 'default',
        gracefulStopMs: 30_000,
        executor: 'constant-arrival-rate',
        rate: 20,
        timeUnitMs: 1_000,
        durationMs: 3_600_000,
        preAllocatedVUs: 5,
        maxVUs: 5,
      },
    ]);
    expect(plan.thresholds[0]?.thresholds.map((t) => t.source)).toEqual(['p(95)<200', 'avg<100']);
  });

  it('when anything is outside the supported subset, then it throws naming it', () => {
    const refused: [unknown, RegExp][] = [
      [{ vus: 10, duration: '1m' }, /options\.vus/],
      [{}, /needs options\.scenarios/],
      [scenario({ executor: 'shared-iterations' }), /executor "shared-iterations"/],
      [scenario({ executor: 'ramping-arrival-rate', stages: [] }), /executor "ramping-arrival-rate"/],
      [scenario({ executor: 'constant-vus', duration: '1m', startTime: '10s' }), /scenarios\.s\.startTime/],
      [scenario({ executor: 'constant-vus', duration: '1m', env: {} }), /scenarios\.s\.env/],
      [scenario({ executor: 'constant-vus', duration: 'soon' }), /scenarios\.s\.duration/],
      [scenario({ executor: 'constant-vus', vus: 1.5, duration: '1m' }), /scenarios\.s\.vus/],
      [scenario({ executor: 'ramping-vus', stages: [] }), /stages must be a non-empty list/],
      [
        {
          ...scenario({ executor: 'constant-vus', duration: '1s' }),
          thresholds: { 'http_req_duration{status:200}': ['avg<1'] },
        },
        /sub-metrics/,
      ],
      [
        {
          ...scenario({ executor: 'constant-vus', duration: '1s' }),
          thresholds: { checks: [{ threshold: 'rate>0.9' }] },
        },
        /threshold objects/,
      ],
      [{ ...scenario({ executor: 'constant-vus', duration: '1s' }), thresholds: { checks: ['rate>90%'] } }, /rate>90%/],
    ];
    for (const [options, message] of refused) expect(() => parseOptions(options), String(message)).toThrow(message);
  });
});
