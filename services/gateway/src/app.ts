import { createHttpApp, type Upstream } from '@skico/http';
import type { Logger } from '@skico/log';
import { proxyRouter } from './routes/proxy.ts';
import { routeTable, type UpstreamName } from './routes/route-table.ts';

export interface GatewayDeps {
  log: Logger;
  upstreams: Record<UpstreamName, Upstream>;
  requestTimeoutMs: number;
  isDraining?: () => boolean;
}

export function createApp(deps: GatewayDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    rawBody: true,
    mount: (app) => {
      app.use(proxyRouter({ routes: routeTable, upstreams: deps.upstreams, timeoutMs: deps.requestTimeoutMs }));
    },
  });
}
