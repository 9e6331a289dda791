import { describe, expect, it } from 'vitest';
import type { Attempt } from './http-client.ts';
import { retryAfterMs, sendWithRetry } from './retry.ts';
import type { RequestDescriptor } from './workloads.ts';

const req: RequestDescriptor = { method: 'GET', path: '/resorts', kind: 'resort-list', expect: [200] };
const policy = { maxRetries: 5, retryAfterCapMs: 50, baseBackoffMs: 1 };

function scripted(...answers: Attempt[]) {
  let calls = 0;
  const send = async () => answers[Math.min(calls++, answers.length - 1)] as Attempt;
  return { send, calls: () => calls };
}

describe('retries', () => {
  it('when the target fails with 503, 429 and no answer, then it retries until the answer comes', async () => {
    const target = scripted({ status: 503 }, { status: 429, retryAfter: '0' }, { status: 0 }, { status: 200 });
    const seen: number[] = [];
    const { attempt, retries } = await sendWithRetry(target.send, req, policy, (s) => seen.push(s));
    expect(attempt.status).toBe(200);
    expect(retries).toBe(3);
    expect(seen).toEqual([503, 429, 0]);
  });

  it('when the target keeps failing, then it gives up after 5 retries with the last answer', async () => {
    const target = scripted({ status: 500 });
    const { attempt, retries } = await sendWithRetry(target.send, req, policy);
    expect([attempt.status, retries, target.calls()]).toEqual([500, 5, 6]);
  });

  it('when the answer is a 4xx other than 429, then it is final', async () => {
    const target = scripted({ status: 404 }, { status: 200 });
    const { attempt, retries } = await sendWithRetry(target.send, req, policy);
    expect([attempt.status, retries]).toEqual([404, 0]);
  });

  it('when Retry-After is given in seconds or as a date, then the wait follows it up to the cap', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('1', 2_000, now)).toBe(1_000);
    expect(retryAfterMs('120', 2_000, now)).toBe(2_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:01 GMT', 5_000, now)).toBe(1_000);
    expect(retryAfterMs(undefined, 2_000, now)).toBeUndefined();
    expect(retryAfterMs('soon', 2_000, now)).toBeUndefined();
  });
});
