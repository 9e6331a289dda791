import { isAppError } from '@skico/errors';
import { createLogger } from '@skico/log';
import { type Publisher, PublishFailed, type PublishOptions } from '@skico/messaging';
import { createBreaker } from '@skico/resilience';
import { describe, expect, it } from 'vitest';
import { liftRideDependencies } from '../resilience.ts';
import { type AcceptDeps, createAcceptRide, type PublishOutcome } from './accept-ride.ts';
import type { Ride } from './ride.ts';

const ride = (time: number): Ride => ({
  resortID: 1,
  seasonID: '2025',
  dayID: 1,
  skierID: 7,
  liftID: 21,
  time,
  vertical: 210,
});

/** A publisher whose confirms the test gives (or refuses), one message at a time. */
function heldPublisher() {
  const messages: { body: { rides: Ride[] }; options: PublishOptions; confirm: (error?: Error) => void }[] = [];
  const publisher: Publisher = {
    connected: () => true,
    publish: (body, options) =>
      new Promise<void>((resolve, reject) => {
        messages.push({
          body: body as { rides: Ride[] },
          options,
          confirm: (error) => (error ? reject(error) : resolve()),
        });
      }),
  };
  return { publisher, messages };
}

function acceptWith(publisher: Publisher, overrides: Partial<AcceptDeps> = {}) {
  const written: Ride[][] = [];
  const counted: Record<PublishOutcome, number> = { confirmed: 0, failed: 0, fallback: 0 };
  const accept = createAcceptRide({
    publisher,
    rabbitmq: createBreaker(liftRideDependencies.rabbitmq),
    fallback: createBreaker(liftRideDependencies.fallback),
    persist: async (rides) => {
      written.push(rides);
      return rides;
    },
    fallbackEnabled: true,
    publishTimeoutMs: 1_000,
    fallbackMs: liftRideDependencies.fallback.timeoutMs,
    group: { maxRides: 100, maxBytes: 65_536, maxInFlight: 1 },
    log: createLogger({ service: 'test', level: 'silent' }),
    metrics: { rides: (outcome, n) => (counted[outcome] += n), confirmed: () => undefined },
    ...overrides,
  });
  return { accept, written, counted };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('accepting rides by group commit', () => {
  it('when rides arrive while a message awaits its confirm, then they leave in one message and are answered only once it is confirmed', async () => {
    const { publisher, messages } = heldPublisher();
    const { accept, counted } = acceptWith(publisher);
    const settled: string[] = [];
    const answers = [1, 2, 3, 4].map((t) =>
      accept(ride(t), { budgetMs: 5_000, requestId: `r-${t}` }).then((how) => settled.push(`${t}:${how}`)),
    );
    await tick();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.options).toMatchObject({ messageId: 'ride:1:2025:1:7:21:1', headers: { 'skico-rides': 1 } });
    messages[0]?.confirm();
    await tick();
    expect(settled).toEqual(['1:queued']);
    expect(messages).toHaveLength(2);
    expect(messages[1]?.body).toMatchObject({ type: 'lift-ride.recorded', schemaVersion: 2 });
    expect(messages[1]?.body.rides.map((r) => [r.time, (r as { requestId?: string }).requestId])).toEqual([
      [2, 'r-2'],
      [3, 'r-3'],
      [4, 'r-4'],
    ]);
    expect(messages[1]?.options.headers).toEqual({ 'skico-rides': 3 });
    expect(settled).toHaveLength(1);
    messages[1]?.confirm();
    await Promise.all(answers);
    expect(settled).toEqual(['1:queued', '2:queued', '3:queued', '4:queued']);
    expect(counted).toEqual({ confirmed: 4, failed: 0, fallback: 0 });
  });

  it('when the broker refuses a message, then all of its rides are written directly in one write', async () => {
    const { publisher, messages } = heldPublisher();
    const { accept, written, counted } = acceptWith(publisher);
    const first = accept(ride(1), { budgetMs: 5_000 });
    const rest = [2, 3].map((t) => accept(ride(t), { budgetMs: 5_000 }));
    await tick();
    messages[0]?.confirm();
    await first;
    await tick();
    messages[1]?.confirm(new PublishFailed('nacked'));
    await expect(Promise.all(rest)).resolves.toEqual(['written', 'written']);
    expect(written).toEqual([[ride(2), ride(3)]]);
    expect(counted).toEqual({ confirmed: 1, failed: 2, fallback: 2 });
  });

  it('when the broker refuses and there is no fallback, then every ride of the message gets 503 with Retry-After', async () => {
    const { publisher, messages } = heldPublisher();
    const { accept, written } = acceptWith(publisher, { fallbackEnabled: false });
    const answer = accept(ride(1), { budgetMs: 5_000 }).catch((e: unknown) => e);
    await tick();
    messages[0]?.confirm(new PublishFailed('timeout'));
    const error = await answer;
    expect(isAppError(error) && { status: error.kind, retryAfter: error.retryAfterSeconds }).toEqual({
      status: 'unavailable',
      retryAfter: 1,
    });
    expect(written).toEqual([]);
  });

  it("when a ride's budget ends before its message is confirmed, then it alone gets 504 and its neighbours wait on", async () => {
    const { publisher, messages } = heldPublisher();
    const { accept } = acceptWith(publisher);
    const short = accept(ride(1), { budgetMs: 30 }).catch((e: unknown) => e);
    const long = accept(ride(2), { budgetMs: 5_000 });
    await tick();
    expect(messages).toHaveLength(1);
    const error = await short;
    expect(isAppError(error) && error.code).toBe('DEADLINE_EXCEEDED');
    messages[0]?.confirm();
    await tick();
    messages[1]?.confirm();
    await expect(long).resolves.toBe('queued');
  });

  it('when rides waited for an earlier confirm, then their own confirm wait leaves their oldest ride time for the fallback write', async () => {
    const { publisher, messages } = heldPublisher();
    const { accept } = acceptWith(publisher);
    const first = accept(ride(1), { budgetMs: 2_000 });
    const waiting = accept(ride(2), { budgetMs: 2_000 });
    await tick();
    // A silent broker holds the first message most of its confirm timeout.
    await new Promise((resolve) => setTimeout(resolve, 600));
    messages[0]?.confirm();
    await first;
    await tick();
    // 2 s of budget, 0.6 s spent waiting: 1.4 s left, of which the fallback write may need 0.9 s.
    const confirmWait = messages[1]?.options.timeoutMs ?? 0;
    expect(confirmWait).toBeGreaterThan(400);
    expect(confirmWait).toBeLessThanOrEqual(500);
    messages[1]?.confirm(new PublishFailed('timeout'));
    await expect(waiting).resolves.toBe('written');
  });

  it('when rides have their whole budget, then they wait the whole publish timeout for a confirm', async () => {
    const { publisher, messages } = heldPublisher();
    const { accept } = acceptWith(publisher);
    const answer = accept(ride(1), { budgetMs: 5_000 });
    await tick();
    expect(messages[0]?.options.timeoutMs).toBe(1_000);
    messages[0]?.confirm();
    await answer;
  });

  it('when a budget is too short for any publish, then the ride is refused at once and nothing is sent', async () => {
    const { publisher, messages } = heldPublisher();
    const { accept } = acceptWith(publisher);
    const error = await accept(ride(1), { budgetMs: 5 }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('DEADLINE_EXCEEDED');
    expect(messages).toHaveLength(0);
  });
});
