import { Agent, get } from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from './server.ts';

/** One GET on a keep-alive agent: the status, or the error code when no answer came. */
const call = (port: number, agent: Agent) =>
  new Promise<string>((resolve) => {
    const req = get({ port, host: '127.0.0.1', path: '/slow', agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(String(res.statusCode)));
    });
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

describe('listen().close', () => {
  it('when keep-alive clients keep sending, then close finishes their answers and ends soon, not at the grace period', async () => {
    const app = express();
    let taken = 0;
    app.get('/slow', (_req, res) => {
      taken += 1;
      setTimeout(() => res.send('ok'), 30);
    });
    const server = await listen(app, { port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const outcomes: string[] = [];
    let sending = true;
    const client = async () => {
      while (sending) outcomes.push(await call(server.port, agent));
    };
    const clients = Array.from({ length: 4 }, client);
    await new Promise((resolve) => setTimeout(resolve, 150));

    const started = Date.now();
    await server.close(5_000);
    const closeMs = Date.now() - started;
    sending = false;
    await Promise.all(clients);
    agent.destroy();

    expect(closeMs).toBeLessThan(1_000);
    // Every request the server took was answered. The others were refused at connect, or were written to
    // an idle keep-alive connection in the instant the server closed it (the keep-alive race every HTTP
    // client meets, and retries): the server never read them.
    expect(outcomes.filter((o) => o === '200').length).toBe(taken);
    expect(outcomes.filter((o) => o !== '200' && o !== 'ECONNREFUSED' && o !== 'ECONNRESET')).toEqual([]);
    expect(taken).toBeGreaterThan(4);
  });
});
