import { describe, expect, it } from 'vitest';
import { createHistory, formatHistory } from './history.ts';

const answer = (status: number) => async () => status;
const drop = (code: string) => async () => {
  throw Object.assign(new TypeError('fetch failed'), { cause: { code } });
};

describe('the history checker', () => {
  it('judges each key by its best attempt against the final state: lost, duplicated, unexpected, recovered', async () => {
    const h = createHistory();
    await h.attempt('ok-present', answer(201));
    await h.attempt('ok-absent', answer(201)); // lost
    await h.attempt('retried', answer(503));
    await h.attempt('retried', answer(201));
    await h.attempt('dropped-present', drop('ECONNRESET')); // recovered
    await h.attempt('timed-out-absent', answer(504)); // indeterminate, absent: fine
    await h.attempt('refused-absent', answer(503));
    await h.attempt('refused-present', answer(503));
    await h.attempt('doubled', answer(201));
    const report = h.check({
      counts: new Map([
        ['ok-present', 1],
        ['retried', 1],
        ['dropped-present', 1],
        ['refused-present', 1],
        ['doubled', 2],
        ['never-sent', 1],
      ]),
      extraCounts: 3,
    });
    expect(report).toMatchObject({
      sent: 8,
      attempts: 9,
      ok: 4,
      failed: 2,
      indeterminate: 2,
      lost: 1,
      duplicated: 4,
      unexpected: 1,
      recovered: 1,
      refusedPresent: 1,
      answers: { 201: 4, 503: 3, 504: 1, ECONNRESET: 1 },
    });
    expect(report.examples).toEqual({ lost: ['ok-absent'], duplicated: ['doubled'], unexpected: ['never-sent'] });
    expect(formatHistory('demo', report)).toMatch(/^demo history \{"sent":8,.*"examples":/);
  });

  it('counts a key declared sent whose attempts never ran, and names a timeout as such', async () => {
    const h = createHistory();
    h.sent('never-tried');
    await h.attempt('slow', async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    });
    const report = h.check({ counts: new Map() });
    expect(report).toMatchObject({ sent: 2, ok: 0, failed: 1, indeterminate: 1, lost: 0, answers: { timeout: 1 } });
    expect(formatHistory('quiet', report)).not.toContain('examples');
  });
});
