import type { IncomingMessage } from 'node:http';
import type { ApiKeyVerifier } from '@skico/auth';
import { headerOf } from '@skico/http';
import proxyAddr from 'proxy-addr';

/** How the gateway tells clients apart. */
export interface ClientIdentity {
  /** Proxies in front of the gateway whose X-Forwarded-For entry is trusted for the client's address. */
  trustProxyHops: number;
  /** Recognizes the API keys the system issued (`npm run api-key`). */
  verifyApiKey: ApiKeyVerifier;
}

/**
 * Who is asking: the key id of an X-Api-Key that the system issued, else the client address (behind
 * `trustProxyHops` proxies, as express's `trust proxy` reads it). An unknown or forged key counts as no
 * key, so that sending a new key per request never buys a new budget.
 */
export function clientOf(req: IncomingMessage, identity: ClientIdentity): string {
  const key = headerOf(req, 'x-api-key');
  const keyId = key === undefined ? undefined : identity.verifyApiKey(key);
  if (keyId !== undefined) return `key:${keyId}`;
  const hops = identity.trustProxyHops;
  return `ip:${proxyAddr(req, (_address, hop) => hop < hops) ?? req.socket.remoteAddress ?? 'unknown'}`;
}
