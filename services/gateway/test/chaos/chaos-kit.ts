import type { TestStack } from '@skico/stack';

/** Every answer must come within the request deadline plus this margin: no hangs. */
export const DEADLINE_MS = 2_000;
export const MARGIN_MS = 100;

export interface Outcome {
  kind: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

export interface Probe {
  kind: string;
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => unknown;
}

let sequence = 0;
/** A ride no earlier request sent (unique skier and minute), at resort 1, season 2025, day 1, lift 5. */
export const freshRide = (): Probe => ({
  kind: 'ride write',
  method: 'POST',
  path: () => `/skiers/1/seasons/2025/days/1/skiers/${500_000 + (sequence++ % 400_000)}`,
  body: () => ({ time: 1 + (sequence % 360), liftID: 5 }),
});

/** Sends the probes round-robin with `concurrency` in flight for `durationMs`; every answer is recorded. */
export async function drive(stack: TestStack, probes: Probe[], options: { durationMs: number; concurrency: number }) {
  const outcomes: Outcome[] = [];
  const end = Date.now() + options.durationMs;
  let next = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const probe = probes[next % probes.length] as Probe;
      next += 1;
      const started = performance.now();
      const res = await fetch(`${stack.gatewayUrl}${probe.path()}`, {
        method: probe.method,
        headers: probe.body ? { 'content-type': 'application/json' } : {},
        body: probe.body ? JSON.stringify(probe.body()) : undefined,
        // Far above the deadline: a hang shows up as a slow answer, not as a client abort.
        signal: AbortSignal.timeout(DEADLINE_MS * 5),
      });
      const body = await res.text();
      outcomes.push({
        kind: probe.kind,
        status: res.status,
        ms: performance.now() - started,
        retryAfter: res.headers.get('retry-after'),
        body,
      });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return summarize(outcomes);
}

function summarize(outcomes: Outcome[]) {
  const byKind: Record<string, { statuses: Record<number, number>; worstMs: number }> = {};
  for (const o of outcomes) {
    const entry = byKind[o.kind] ?? { statuses: {}, worstMs: 0 };
    byKind[o.kind] = entry;
    entry.statuses[o.status] = (entry.statuses[o.status] ?? 0) + 1;
    entry.worstMs = Math.max(entry.worstMs, Math.round(o.ms));
  }
  return {
    outcomes,
    byKind,
    worstMs: Math.round(Math.max(0, ...outcomes.map((o) => o.ms))),
    /** 503s and 429s without Retry-After: every refusal must tell the client when to come back. */
    refusalsWithoutRetryAfter: outcomes.filter((o) => (o.status === 503 || o.status === 429) && o.retryAfter === null),
    statusesOf: (kind: string) => Object.keys(byKind[kind]?.statuses ?? {}).map(Number),
  };
}

/**
 * Polls a process's /health/deps until `ready` holds, with light traffic meanwhile (a breaker closes on a
 * successful trial call, so recovery needs calls, as in production); returns how long that took.
 */
export async function recovery(
  url: string,
  ready: (deps: Record<string, { status: string; breaker?: string }>) => boolean,
  timeoutMs: number,
  nudge?: () => Promise<unknown>,
): Promise<number> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    await nudge?.().catch(() => undefined);
    const res = await fetch(`${url}/health/deps`).catch(() => undefined);
    if (res?.ok) {
      const body = (await res.json()) as { dependencies: Record<string, { status: string; breaker?: string }> };
      last = body.dependencies;
      if (ready(body.dependencies)) return Date.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not recover within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** Measured figures of each scenario, printed at the end for the record. */
export const report: Record<string, unknown> = {};
