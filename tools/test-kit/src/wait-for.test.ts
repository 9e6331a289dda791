import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('when the condition turns true, then it resolves', async () => {
    let calls = 0;
    await waitFor(async () => ++calls === 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('when the condition never holds, then it throws with the message after the deadline', async () => {
    const start = Date.now();
    await expect(
      waitFor(() => false, { timeoutMs: 50, intervalMs: 10, message: 'the queue to drain' }),
    ).rejects.toThrow('timed out after 50 ms waiting for the queue to drain');
    expect(Date.now() - start).toBeGreaterThanOrEqual(49);
  });

  it('when the condition throws, then it keeps polling and the last error becomes the cause', async () => {
    const failure = new Error('not yet');
    const error = await waitFor(
      () => {
        throw failure;
      },
      { timeoutMs: 30, intervalMs: 5 },
    ).catch((err: unknown) => err);
    expect((error as Error).cause).toBe(failure);
  });
});
