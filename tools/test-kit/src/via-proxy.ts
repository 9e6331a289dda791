import type { FaultProxy } from './fault-proxy.ts';

/** The same URL with its host and port replaced by the proxy's: the process then talks through the proxy. */
export function viaProxy(url: string, proxy: FaultProxy): string {
  const u = new URL(url);
  u.hostname = proxy.host;
  u.port = String(proxy.port);
  return u.toString();
}
