import { startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The detailed views (dependency health, breaker states, metrics, the status page) are served on the
// gateway's internal listener only; the public port keeps the probes. And however many callers ask, the
// gateway asks the services for their health at most once a second.

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** How many readiness requests a service has answered, from its own metrics. */
async function readinessRequests(service: string): Promise<number> {
  const text = await (await fetch(`${stack.opsUrlOf(service)}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('http_server_request_duration_seconds_count{') && line.includes('route="/health/ready"')) {
      total += Number(line.split(' ').at(-1));
    }
  }
  return total;
}

describe('operator views', () => {
  it('when anonymous clients ask the public port for the detailed views, then they get 404 and no detail', async () => {
    for (const path of ['/health/deps', '/metrics', '/status', '/status.json']) {
      const res = await fetch(`${stack.gatewayUrl}${path}`);
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(body, path).not.toMatch(/breaker|redis|resort|process_cpu/);
    }
    for (const path of ['/health/live', '/health/ready']) {
      expect((await fetch(`${stack.gatewayUrl}${path}`)).status, path).toBe(200);
    }
  });

  it('when an operator asks the internal port, then dependency health, metrics and the status page answer', async () => {
    const ops = stack.opsUrlOf('gateway');
    const deps = await fetch(`${ops}/health/deps`);
    expect(deps.status).toBe(200);
    const body = (await deps.json()) as { dependencies: Record<string, { breaker?: string }> };
    expect(body.dependencies.resort?.breaker).toBe('closed');
    const metrics = await fetch(`${ops}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('skico_breaker_state');
    expect((await fetch(`${ops}/status`)).status).toBe(200);
    expect((await fetch(`${ops}/status.json`)).status).toBe(200);
    expect((await fetch(`${ops}/health/ready`)).status).toBe(200);
  });

  it('when 50 callers ask /health/deps over and over, then each service is asked at most once a second', async () => {
    const ops = stack.opsUrlOf('gateway');
    const services = ['resort', 'skier', 'lift-ride'];
    const before = await Promise.all(services.map(readinessRequests));
    const started = performance.now();
    let answered = 0;
    const caller = async () => {
      while (performance.now() - started < 3_000) {
        const res = await fetch(`${ops}/health/deps`);
        await res.arrayBuffer();
        if (res.status === 200) answered += 1;
      }
    };
    await Promise.all(Array.from({ length: 50 }, caller));
    const seconds = (performance.now() - started) / 1000;
    const after = await Promise.all(services.map(readinessRequests));
    const fanOuts = services.map((_, i) => (after[i] as number) - (before[i] as number));
    console.log(
      `${answered} /health/deps answers in ${seconds.toFixed(1)} s; readiness requests per service:`,
      fanOuts,
    );
    expect(answered).toBeGreaterThan(50);
    // One fan-out per second that began, plus the one already shared when the window opened.
    for (const n of fanOuts) expect(n).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });
});
