import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCommandLine } from '@skico/config';
import { chromiumLaunchOptions, waitFor } from '@skico/test-kit';
import { chromium, type Page } from 'playwright-core';
import { allValues, type Dashboard, renderDashboardPreview } from '../dashboard-preview.ts';
import { parseExposition, readQuery } from '../metric-readings.ts';
import { processes, repoRoot } from '../processes.ts';
import { startTestStack, type TestStack } from '../test-stack.ts';

// `npm run -s screenshots`: the pictures of the README's "Operate it" section, taken from a system of its own
// (own database, key prefix and queues, removed at the end) under a few seconds of light traffic:
// docs/images/status.png, the live /status page, and docs/images/dashboard.png, the Grafana dashboard drawn
// from its JSON with what each query's series hold in one scrape of every process's /metrics.

const dashboardSource = 'infra/grafana/dashboards/skico.json';
const outDir = join(repoRoot, 'docs', 'images');
const viewport = { width: 1280, height: 900 };
const trafficSeconds = 6;
const clients = 4;

parseCommandLine(
  {},
  `Usage: npm run -s screenshots
  Starts a system of its own, sends light traffic for a few seconds, and writes docs/images/status.png (the
  live /status page) and docs/images/dashboard.png (the Grafana dashboard drawn from its JSON).`,
);

const say = (line: string) => console.log(`[screenshots] ${line}`);

/**
 * A few lift-ride clients and readers against the gateway until `stop` is aborted: every loop posts a ride
 * (every third one with an Idempotency-Key, sent twice), then reads the previous loop's skier (day, vertical)
 * and resort day: rides are written by the worker after the 201, so the ride just sent may not count yet.
 */
async function traffic(gatewayUrl: string, client: number, stop: AbortSignal, counts: Map<number, number>) {
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.arrayBuffer();
    counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
  };
  const ride = (resort: number, skier: number) => `/skiers/${resort}/seasons/2025/days/1/skiers/${skier}`;
  let previous: { resort: number; skier: number } | undefined;
  for (let i = 0; !stop.aborted; i++) {
    const resort = 1 + ((client + i) % 10);
    const skier = 1 + client * 1000 + (i % 50);
    const body = { time: 1 + ((i * 13) % 360), liftID: 1 + ((i * 7 + client) % 40) };
    if (i % 3 === 0) {
      const key = { 'idempotency-key': `screenshots-${client}-${i}-${Date.now()}` };
      await send('POST', ride(resort, skier), body, key);
      await send('POST', ride(resort, skier), body, key);
    } else await send('POST', ride(resort, skier), body);
    if (previous) {
      await send('GET', ride(previous.resort, previous.skier));
      await send('GET', `/skiers/${previous.skier}/vertical?resort=${previous.resort}`);
    }
    await send('GET', `/resorts/${resort}/seasons/2025/day/1/skiers`);
    if (i % 5 === 0) await send('GET', '/resorts');
    previous = { resort, skier };
    // Light traffic: a pause between loops keeps this a few hundred requests per second at most.
    await sleep(50);
  }
}

async function screenshotStatus(page: Page, stack: TestStack): Promise<void> {
  await page.goto(`${stack.opsUrlOf('gateway')}/status`);
  for (const { name } of processes) {
    await page.locator(`[data-process="${name}"][data-status="up"]`).waitFor({ timeout: 15_000 });
  }
  await page.locator('#routes td', { hasText: 'POST /skiers/' }).waitFor({ timeout: 10_000 });
  await waitFor(async () => Number(await page.locator('#rate').textContent()) > 0, {
    timeoutMs: 10_000,
    message: 'a request rate on the status page',
  });
  await page.screenshot({ path: join(outDir, 'status.png'), fullPage: true });
}

async function screenshotDashboard(page: Page, stack: TestStack, scrapedAt: Date): Promise<void> {
  const texts = await Promise.all(
    processes.map(async ({ name }) => {
      // The gateway serves /metrics on its internal listener only.
      const res = await fetch(`${stack.opsUrlOf(name)}/metrics`);
      if (!res.ok) throw new Error(`${name}/metrics answered ${res.status}`);
      return res.text();
    }),
  );
  // Queue names carry this system's namespace (its own queues, removed at the end): shown without it.
  const scrape = parseExposition(texts.join('\n').replaceAll(stack.namespace, ''));
  const dashboard = JSON.parse(await readFile(join(repoRoot, dashboardSource), 'utf8')) as Dashboard;
  const variables = allValues(dashboard);
  const html = renderDashboardPreview(dashboard, {
    source: dashboardSource,
    readQuery: (expr) => readQuery(scrape, expr, variables),
    readingsNote:
      `Under each query: its series in one scrape of every process's /metrics (${processes.length} processes, ` +
      `${scrape.samples.length} samples, ${scrapedAt.toISOString().slice(0, 19)}Z) after ${trafficSeconds} s of light ` +
      'traffic from `npm run -s screenshots`, summed per the query\'s "by" labels: counters are totals since start, ' +
      'gauges are current, histograms are observations × their mean. Rates, ratios and quantiles need Prometheus.',
  });
  await writeFile(join(repoRoot, '.reports', 'dashboard.html'), html);
  await page.setContent(html);
  await page.screenshot({ path: join(outDir, 'dashboard.png'), fullPage: true });
}

await mkdir(outDir, { recursive: true });
await mkdir(join(repoRoot, '.reports'), { recursive: true });
// The browser first: without Chromium there is nothing to start a system for.
const browser = await chromium.launch(chromiumLaunchOptions());
say('starting a system of its own …');
const stack = await startTestStack().catch(async (err) => {
  await browser.close();
  throw err;
});
const stop = new AbortController();
let stopping: Promise<void> | undefined;
/** Ends the traffic, the browser and every process, and drops the system's database, once. */
const cleanUp = () => {
  stop.abort();
  stopping ??= browser.close().then(() => stack.stop());
  return stopping;
};
// The processes outlive this one unless it stops them: Ctrl-C cleans up before it exits.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

let failed = false;
try {
  const page = await browser.newPage({ viewport });
  const counts = new Map<number, number>();
  say(`${clients} clients send rides and reads for ${trafficSeconds} s …`);
  const running = Array.from({ length: clients }, (_, c) => traffic(stack.gatewayUrl, c, stop.signal, counts));
  const deadline = sleep(trafficSeconds * 1000);
  // The status page is taken while the traffic still runs: its figures cover the last 10 s.
  await Promise.all([deadline.then(() => screenshotStatus(page, stack)), Promise.race([deadline, ...running])]);
  stop.abort();
  await Promise.all(running);
  say(`answers: ${[...counts].map(([status, n]) => `${n} × ${status}`).join(', ')}`);
  await screenshotDashboard(page, stack, new Date());
  for (const file of ['status.png', 'dashboard.png']) {
    say(`docs/images/${file}: ${Math.round((await stat(join(outDir, file))).size / 1024)} KiB`);
  }
} catch (err) {
  failed = true;
  console.error(`[screenshots] ${(err as Error).message}\n--- last output ---\n${stack.logs().slice(-20).join('\n')}`);
} finally {
  await cleanUp();
}
process.exit(failed ? 1 : 0);
