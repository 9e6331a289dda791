import type { StatusReport } from '@skico/contracts';
import type { RequestHandler } from 'express';
import { statusPage, statusScriptSource } from './status-page.ts';

/** GET /status.json: what the status page polls; `report` is shared, so many open pages cost one report. */
export function statusReport(report: () => Promise<StatusReport>): RequestHandler {
  return async (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await report());
  };
}

/** GET /status: the live page. */
export const statusPageView: RequestHandler = (_req, res) => {
  // The front door's CSP allows scripts from this origin only: let exactly this page's inline script run.
  const csp = res.getHeader('content-security-policy');
  if (typeof csp === 'string') {
    res.setHeader(
      'content-security-policy',
      csp.replace(/(^|;)\s*script-src ([^;]*)/, `$1script-src $2 ${statusScriptSource}`),
    );
  }
  res.type('text/html').send(statusPage);
};
