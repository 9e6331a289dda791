import { issueApiKey } from '@skico/auth';
import { startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY_SECRET } from '../src/config.ts';

// Two gateways share each client's budgets through Redis, every RATE_LIMIT_SYNC_MS (docs/security.md): a
// client that spreads its requests over both gets its budget once, give or take what it sends between two
// syncs, not once per gateway.
const BUDGET = 300;
const SYNC_MS = 50;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    scale: { gateway: 2 },
    settings: {
      extra: {
        // A long window, so that no budget frees up during the test.
        RATE_LIMIT_WINDOW_SECONDS: '120',
        RATE_LIMIT_READS: String(BUDGET),
        RATE_LIMIT_SYNC_MS: String(SYNC_MS),
      },
    },
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a rate limit across gateway replicas', () => {
  it('when one client sends its reads to both gateways, then it gets its budget once, within what it sends between two syncs', async () => {
    const headers = { 'x-api-key': issueApiKey(DEVELOPMENT_API_KEY_SECRET, 'replicas').key };
    const gateways = stack.replicas('gateway').map((g) => g.url);
    const answers: { gateway: number; status: number }[] = [];
    const started = Date.now();
    // Eight clients in turn on both gateways, until the budget is long spent.
    await Promise.all(
      Array.from({ length: 8 }, async (_, c) => {
        for (let n = c; answers.length < 3 * BUDGET; n += 8) {
          const gateway = n % gateways.length;
          const res = await fetch(`${gateways[gateway]}/resorts`, { headers });
          await res.arrayBuffer();
          answers.push({ gateway, status: res.status });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    // What a client can send to the other gateway between two syncs: the documented error of the shared count.
    const perSecond = answers.length / seconds;
    const syncError = Math.ceil(perSecond * ((2 * SYNC_MS) / 1000));
    const figures = {
      sent: answers.length,
      accepted: accepted.length,
      refused: refused.length,
      perSecond: Math.round(perSecond),
      syncError,
      acceptedByGateway: [0, 1].map((g) => accepted.filter((a) => a.gateway === g).length),
      refusedByGateway: [0, 1].map((g) => refused.filter((a) => a.gateway === g).length),
    };
    console.log(`rate limit across gateways: ${JSON.stringify(figures)}`);
    expect(accepted.length + refused.length).toBe(answers.length);
    // Both gateways served and both refused: the client's budget was spent on both.
    expect(figures.acceptedByGateway.every((n) => n > 0)).toBe(true);
    expect(figures.refusedByGateway.every((n) => n > 0)).toBe(true);
    expect(accepted.length).toBeGreaterThanOrEqual(BUDGET - syncError);
    expect(accepted.length).toBeLessThanOrEqual(BUDGET + syncError);
    // Not a budget per gateway.
    expect(accepted.length).toBeLessThan(2 * BUDGET);
  }, 60_000);
});
