import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createFaultProxy, type FaultProxy, freePort } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type RunningSkierApp, startSkierApp } from './skier-app.ts';

const budgetMs = 400;
// What may pass beyond the budget: the profile query, the answer, scheduling on a busy test machine.
const marginMs = 250;
const ada = { name: 'Ada Lovelace', homeCity: 'Innsbruck', passType: 'season' };

async function startApp(liftRide: FaultProxy) {
  const app = await startSkierApp({ liftRideUrl: liftRide.url('http://'), statsTimeoutMs: budgetMs });
  const created = await call(app.url, 'POST', '/skiers', { body: ada });
  expect(created.status).toBe(201);
  return { app, skierID: created.body.skierID as number };
}

describe('profile stats when the lift-ride service is unreachable', () => {
  let liftRide: FaultProxy;
  let app: RunningSkierApp;
  let skierID: number;

  beforeAll(async () => {
    // Nothing listens behind the proxy: every connection is dropped at once.
    liftRide = await createFaultProxy({ target: { host: '127.0.0.1', port: await freePort() } });
    ({ app, skierID } = await startApp(liftRide));
  });
  afterAll(async () => {
    await app?.close();
    await liftRide?.close();
  });

  it('when a profile is read, then it is 200 with stats null and degraded true, logged at warn', async () => {
    const res = await call(app.url, 'GET', `/skiers/${skierID}?season=2025`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ skierID, ...ada, stats: null, degraded: true });
    expect(res.elapsedMs).toBeLessThan(budgetMs + marginMs);
    expect(app.warnings).toContainEqual(
      expect.objectContaining({ level: 40, skierID, reason: 'unreachable', msg: expect.stringContaining('degraded') }),
    );
  });

  it('when the proxy refuses connections outright, then the read is still degraded, not an error', async () => {
    await liftRide.cut();
    try {
      const res = await call(app.url, 'GET', `/skiers/${skierID}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ stats: null, degraded: true });
    } finally {
      await liftRide.restore();
    }
  });

  it('when the profile does not exist, then it is 404 even though the stats are unavailable', async () => {
    const res = await call(app.url, 'GET', '/skiers/4242');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('SKIER_NOT_FOUND');
  });
});

describe('profile stats when the lift-ride service hangs', () => {
  let listener: Server;
  const accepted: Socket[] = [];
  let liftRide: FaultProxy;
  let app: RunningSkierApp;
  let skierID: number;

  beforeAll(async () => {
    // A listener that accepts and never answers, behind a proxy that swallows every byte.
    listener = createServer((socket) => {
      accepted.push(socket);
      socket.on('error', () => undefined);
    });
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    liftRide = await createFaultProxy({
      target: { host: '127.0.0.1', port: (listener.address() as AddressInfo).port },
    });
    await liftRide.blackhole();
    ({ app, skierID } = await startApp(liftRide));
  });
  afterAll(async () => {
    await app?.close();
    await liftRide?.close();
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => listener?.close(resolve));
  });

  it('when a profile is read, then it is degraded once the stats budget expires, not later', async () => {
    const res = await call(app.url, 'GET', `/skiers/${skierID}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ skierID, ...ada, stats: null, degraded: true });
    expect(res.elapsedMs).toBeGreaterThanOrEqual(budgetMs - 5);
    expect(res.elapsedMs).toBeLessThan(budgetMs + marginMs);
    expect(app.warnings).toContainEqual(expect.objectContaining({ level: 40, skierID, reason: 'timeout' }));
  });

  it('when the caller forwards a shorter deadline, then the stats budget shrinks to it', async () => {
    const res = await call(app.url, 'GET', `/skiers/${skierID}`, { headers: { 'request-timeout': '100' } });
    expect(res.status).toBe(200);
    expect(res.body.degraded).toBe(true);
    expect(res.elapsedMs).toBeLessThan(100 + marginMs);
  });

  it('when several reads hang at once, then each is answered degraded within the budget', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(app.url, 'GET', `/skiers/${skierID}`)));
    for (const res of answers) {
      expect(res.body.degraded).toBe(true);
      expect(res.elapsedMs).toBeLessThan(budgetMs + marginMs);
    }
  });
});
