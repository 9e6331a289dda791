import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Stage } from '@skico/http';
import helmet from 'helmet';

/**
 * Browser-facing headers on every answer: helmet's set, with a CSP that still lets /docs run from this
 * origin. Helmet's headers do not depend on the request, so they are worked out once and then copied.
 */
export function securityHeaders(): Stage {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'frame-ancestors': ["'none'"],
        'connect-src': ["'self'"],
        // TLS ends in front of the gateway; upgrading /docs' own requests would break it on plain HTTP.
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
