import { Router } from 'express';
import { sharedFor } from './shared-answer.ts';

export type HealthChecks = Record<string, () => Promise<unknown>>;

const CHECK_TIMEOUT_MS = 1000;
/** Check results are shared this long: however many probes arrive, the dependencies are asked once. */
const SHARED_MS = 1000;

async function runCheck(check: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /health/live answers while the event loop runs; /health/ready runs every readiness check, at most once a
 * second (callers within that second share the result).
 */
export function healthRouter(readiness: HealthChecks, isDraining: () => boolean): Router {
  const router = Router();
  const names = Object.keys(readiness);
  const runChecks = sharedFor(SHARED_MS, () =>
    Promise.all(names.map((name) => runCheck(readiness[name] as () => Promise<unknown>))),
  );
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'up' });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await runChecks();
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const ready = !isDraining() && results.every((r) => r.status === 'up');
    res.status(ready ? 200 : 503).json({ status: ready ? 'up' : 'down', draining: isDraining(), checks });
  });
  return router;
}
