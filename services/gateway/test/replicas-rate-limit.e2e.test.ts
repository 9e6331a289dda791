import { issueApiKey } from '@skico/auth';
import { startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY_SECRET } from '../src/config.ts';
import { spreadReads } from './spread-reads.ts';

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
    // Eight clients in turn on both gateways, until the budget is long spent.
    const figures = await spreadReads({ gateways, headers, clients: 8, total: 3 * BUDGET, syncMs: SYNC_MS });
    const { accepted, syncError } = figures;
    console.log(`rate limit across gateways: ${JSON.stringify(figures)}`);
    expect(figures.other).toBe(0);
    // Both gateways served and both refused: the client's budget was spent on both.
    expect(figures.acceptedByGateway.every((n) => n > 0)).toBe(true);
    expect(figures.refusedByGateway.every((n) => n > 0)).toBe(true);
    expect(accepted).toBeGreaterThanOrEqual(BUDGET - syncError);
    expect(accepted).toBeLessThanOrEqual(BUDGET + syncError);
    // Not a budget per gateway.
    expect(accepted).toBeLessThan(2 * BUDGET);
  }, 60_000);
});
