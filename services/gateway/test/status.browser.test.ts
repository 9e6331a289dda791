import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { statusReport } from '@skico/contracts';
import { processes, repoRoot, startTestStack, type TestStack } from '@skico/stack';
import { chromiumLaunchOptions, createFaultProxy, type FaultProxy, viaProxy } from '@skico/test-kit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The live status page in a real browser: every process with its dependencies, and a dependency cut on
// purpose (the lift-ride API's RabbitMQ, through a fault proxy) shown down within seconds, then up again.

let stack: TestStack;
let browser: Browser;
let amqp: FaultProxy;

const colours = { up: 'rgb(26, 127, 55)', down: 'rgb(207, 34, 46)' };
const queueOfLiftRide = '[data-process="lift-ride"] [data-dependency="queue"]';

/** The page's window, as functions given to evaluate() see it (this program has no DOM types). */
type PageWindow = { getComputedStyle: (el: unknown) => Record<string, string> };

/** How long until the page shows `selector`; fails after `timeoutMs`. */
async function timeUntil(page: Page, selector: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await page.locator(selector).first().waitFor({ timeout: timeoutMs });
  return Date.now() - started;
}

beforeAll(async () => {
  amqp = await createFaultProxy({ target: { host: '127.0.0.1', port: 5672 } });
  stack = await startTestStack({
    settings: {
      rewrite: (name, env) =>
        name === 'lift-ride' ? { ...env, AMQP_URL: viaProxy(env.AMQP_URL as string, amqp) } : env,
    },
  });
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await amqp?.close();
});

describe('the status page in a real browser', () => {
  it('when /status.json is asked, then it reports every process in the documented shape', async () => {
    const res = await fetch(`${stack.opsUrlOf('gateway')}/status.json`);
    expect(res.status).toBe(200);
    const report = statusReport.parse(await res.json());
    expect(report.processes.map((p) => p.name).sort()).toEqual(processes.map((p) => p.name).sort());
    expect(report.status).toBe('up');
  });

  it('when it is open and a dependency is cut, then every process shows, the cut one turns red within seconds and green again after', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const failedRequests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${stack.opsUrlOf('gateway')}/status`);

    for (const { name } of processes) {
      await page.locator(`[data-process="${name}"][data-status="up"]`).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('[data-process]').count()).toBe(processes.length);
    await page.locator(`${queueOfLiftRide}[data-status="up"]`).waitFor({ timeout: 5_000 });
    const card = page.locator('[data-process="lift-ride"]');
    expect(
      await card.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).borderLeftColor),
    ).toBe(colours.up);
    expect(await page.locator('#overall').textContent()).toBe('up');

    await amqp.cut();
    // One poll every 2 s, and the broker connection's loss is noticed at once when it is cut.
    const shownDownMs = await timeUntil(page, `${queueOfLiftRide}[data-status="down"]`, 6_000);
    expect(shownDownMs).toBeLessThan(5_000);
    await page.locator('[data-process="lift-ride"][data-status="degraded"]').waitFor({ timeout: 3_000 });
    const dot = page.locator(`${queueOfLiftRide} .dot`);
    expect(await dot.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).backgroundColor)).toBe(
      colours.down,
    );
    // The other processes and the worker's own view of the same broker are unaffected.
    expect(
      await page.locator('[data-process="lift-ride-worker"] [data-dependency="queue"]').getAttribute('data-status'),
    ).toBe('up');
    expect(await page.locator('#overall').textContent()).toBe('degraded');
    // Rides still answer 201 (the fallback writes them), and the page shows the traffic.
    for (let i = 0; i < 10; i++) {
      const ride = await fetch(`${stack.gatewayUrl}/skiers/2/seasons/2025/days/1/skiers/${860_000 + i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ time: 100 + i, liftID: 4 }),
      });
      expect(ride.status).toBe(201);
      expect((await fetch(`${stack.gatewayUrl}/resorts`)).status).toBe(200);
    }
    await page.locator('#routes td', { hasText: 'POST /skiers/{resortID}' }).waitFor({ timeout: 5_000 });
    expect(Number(await page.locator('#rate').textContent())).toBeGreaterThan(0);
    await mkdir(join(repoRoot, '.reports'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, '.reports', 'status.png'), fullPage: true });

    await amqp.restore();
    // The API reconnects with capped backoff (at most 5 s between attempts).
    await timeUntil(page, `${queueOfLiftRide}[data-status="up"]`, 15_000);

    // Self-contained and allowed by the CSP: nothing failed to load, no script was refused.
    expect(failedRequests).toEqual([]);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
