import type { HealthDeps, StatusReport } from '@skico/contracts';
import type { LoadShedder, Upstream } from '@skico/http';
import type { Statistics } from '../statistics/statistics.ts';

export interface StatusSources {
  /** The gateway's own dependencies (its /health/deps answer). */
  gateway: () => Promise<HealthDeps>;
  /** The processes behind the gateway, each asked for its /health/deps. */
  processes: { name: string; upstream: Upstream }[];
  statistics: Statistics;
  shedder?: LoadShedder;
}

type ProcessStatus = StatusReport['processes'][number];

/** The recent window of the traffic figures: short, so that the page shows what happens now. */
const TRAFFIC_WINDOW_SECONDS = 10;

async function processStatus(name: string, upstream: Upstream): Promise<ProcessStatus> {
  try {
    // Its own checks are bounded at about 1 s (Redis ping, queue depths): a little more than that.
    const answer = await upstream.json<HealthDeps>({ method: 'GET', path: '/health/deps', timeoutMs: 1_500 });
    if (answer.status !== 200 || !answer.body?.dependencies) {
      return { name, status: 'down', error: `/health/deps answered ${answer.status}`, dependencies: {} };
    }
    return { name, status: answer.body.status, dependencies: answer.body.dependencies };
  } catch {
    return { name, status: 'down', error: 'unreachable or too slow', dependencies: {} };
  }
}

function traffic(statistics: Statistics, shedder: LoadShedder | undefined): StatusReport['traffic'] {
  const routes = statistics.recent(TRAFFIC_WINDOW_SECONDS);
  const total = routes.reduce((sum, r) => sum + r.count, 0);
  const perSecond = (n: number) => Math.round((n / TRAFFIC_WINDOW_SECONDS) * 10) / 10;
  return {
    windowSeconds: TRAFFIC_WINDOW_SECONDS,
    requestsPerSecond: perSecond(total),
    meanMs: total === 0 ? 0 : Math.round(routes.reduce((sum, r) => sum + r.mean * r.count, 0) / total),
    maxMs: Math.max(0, ...routes.map((r) => r.max)),
    inFlight: shedder?.inFlight(),
    routes: routes.map((r) => ({
      URL: r.URL,
      operation: r.operation as 'GET',
      requestsPerSecond: perSecond(r.count),
      mean: r.mean,
      max: r.max,
    })),
  };
}

/** Every process with its dependencies, and the gateway's recent traffic. */
export async function collectStatus(sources: StatusSources): Promise<StatusReport> {
  const [gateway, ...others] = await Promise.all([
    sources
      .gateway()
      .then((deps): ProcessStatus => ({ name: 'gateway', status: deps.status, dependencies: deps.dependencies })),
    ...sources.processes.map((p) => processStatus(p.name, p.upstream)),
  ]);
  const processes = [gateway as ProcessStatus, ...others];
  const status = processes.every((p) => p.status === 'up')
    ? 'up'
    : processes.every((p) => p.status === 'down')
      ? 'down'
      : 'degraded';
  return {
    status,
    generatedAt: new Date().toISOString(),
    processes,
    traffic: traffic(sources.statistics, sources.shedder),
  };
}
