import { createLogger } from '@skico/log';
import { describe, expect, it } from 'vitest';
import { createLifecycle } from './lifecycle.ts';

const log = createLogger({ service: 'test', level: 'silent' });

describe('lifecycle', () => {
  it('when it shuts down, then resources close in reverse order of registration', async () => {
    const closed: string[] = [];
    const lifecycle = createLifecycle(log, { graceMs: 1000 });
    for (const name of ['postgres', 'redis', 'amqp', 'http']) lifecycle.onShutdown(name, () => void closed.push(name));
    await lifecycle.shutdown('test');
    expect(closed).toEqual(['http', 'amqp', 'redis', 'postgres']);
  });

  it('when a close hangs, then the next ones still run after the grace period', async () => {
    const closed: string[] = [];
    const lifecycle = createLifecycle(log, { graceMs: 50 });
    lifecycle.onShutdown('postgres', () => void closed.push('postgres'));
    lifecycle.onShutdown('stuck', () => new Promise<void>(() => undefined));
    await lifecycle.shutdown('test');
    expect(closed).toEqual(['postgres']);
  });

  it('when closes are slow, then together they stay within the grace period', async () => {
    const closed: string[] = [];
    const lifecycle = createLifecycle(log, { graceMs: 200 });
    lifecycle.onShutdown('postgres', () => void closed.push('postgres'));
    lifecycle.onShutdown('consumer', () => new Promise<void>(() => undefined));
    lifecycle.onShutdown('http', () => new Promise<void>(() => undefined));
    const started = Date.now();
    await lifecycle.shutdown('test');
    expect(Date.now() - started).toBeLessThan(200 + 50);
    expect(closed).toEqual(['postgres']);
  });

  it('when a close fails, then the others still close', async () => {
    const closed: string[] = [];
    const lifecycle = createLifecycle(log, { graceMs: 1000 });
    lifecycle.onShutdown('postgres', () => void closed.push('postgres'));
    lifecycle.onShutdown('broken', () => Promise.reject(new Error('boom')));
    await lifecycle.shutdown('test');
    expect(closed).toEqual(['postgres']);
  });

  it('when shutdown is called twice, then every close runs once', async () => {
    let count = 0;
    const lifecycle = createLifecycle(log, { graceMs: 1000 });
    lifecycle.onShutdown('http', () => void count++);
    await Promise.all([lifecycle.shutdown('a'), lifecycle.shutdown('b')]);
    expect(count).toBe(1);
    expect(lifecycle.isShuttingDown()).toBe(true);
  });
});
