import { createFaultProxy, type FaultProxy, freePort, viaProxy } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type RunningSkierApp, startSkierApp } from './skier-app.ts';

const ada = { name: 'Ada Lovelace', homeCity: 'Innsbruck', passType: 'season' };

// The "replica" is the primary itself behind a fault proxy: what goes through the proxy was read from it.
describe('skier profile reads from a read replica', () => {
  let liftRide: FaultProxy;
  let replica: FaultProxy;
  let app: RunningSkierApp;

  beforeAll(async () => {
    liftRide = await createFaultProxy({ target: { host: '127.0.0.1', port: await freePort() } });
    replica = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
    app = await startSkierApp({
      liftRideUrl: liftRide.url('http://'),
      statsTimeoutMs: 300,
      readUrl: (url) => viaProxy(url, replica),
    });
  });
  afterAll(async () => {
    await app?.close();
    await replica?.close();
    await liftRide?.close();
  });

  it('when the replica answers, then profile reads go to it', async () => {
    const created = await call(app.url, 'POST', '/skiers', { body: ada });
    expect(created.status).toBe(201);
    await expect.poll(() => app.replicaFresh(), { timeout: 5_000 }).toBe(true);
    const before = replica.stats().bytesToClient;
    for (let i = 0; i < 5; i++) {
      const read = await call(app.url, 'GET', `/skiers/${created.body.skierID}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject(ada);
    }
    // Five profile reads came through the replica (about 300 bytes each), far more than the watch meanwhile.
    expect(replica.stats().bytesToClient - before).toBeGreaterThan(5 * 120);
  });

  it.each(['reset', 'blackhole'] as const)(
    'when the replica is down (%s), then profile reads are answered from the primary',
    async (fault) => {
      const created = await call(app.url, 'POST', '/skiers', { body: ada });
      // The replica is in use when it fails.
      await expect.poll(() => app.replicaFresh(), { timeout: 5_000 }).toBe(true);
      await replica[fault]();
      try {
        const reads = [];
        for (let i = 0; i < 20; i++) reads.push(await call(app.url, 'GET', `/skiers/${created.body.skierID}`));
        console.info(
          JSON.stringify({
            fault,
            reads: reads.length,
            slowestMs: Math.round(Math.max(...reads.map((r) => r.elapsedMs))),
          }),
        );
        expect(reads.map((r) => r.status)).toEqual(reads.map(() => 200));
      } finally {
        await replica.pass();
      }
    },
  );
});
