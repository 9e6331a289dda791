import { startTestStack, type TestStackOptions } from '@skico/stack';
import { createNetLab, type History } from '@skico/test-kit';
import { liftRideDb } from '../pipeline-kit.ts';

export { judge } from '../pipeline-kit.ts';

/** The gateway's request deadline (REQUEST_TIMEOUT_MS); every answer must come within it plus the margin. */
export const DEADLINE_MS = 2_000;
export const MARGIN_MS = 100;

/**
 * A lab of the test's own and the whole system in it: each process a host, Postgres, Redis and RabbitMQ
 * behind forwarders on the lab's bridge. stop() removes the stack, then the lab (namespaces, links, rules).
 */
export async function startLabStack(options: Omit<TestStackOptions, 'network'> = {}) {
  const lab = await createNetLab();
  try {
    const stack = await startTestStack({ ...options, network: lab });
    const db = await liftRideDb(stack);
    const network = stack.network;
    if (!network) throw new Error('the stack did not start in the lab');
    return {
      lab,
      stack,
      db,
      network,
      stop: async () => {
        await lab.healAll();
        await db.close();
        await stack.stop();
        await lab.stop();
      },
    };
  } catch (err) {
    await lab.stop();
    throw err;
  }
}

export type LabStack = Awaited<ReturnType<typeof startLabStack>>;

/** A counter or gauge of a process's /metrics (summed over label sets that contain `labels`). */
export async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3]);
  }
  return sum;
}

/** Answers slower than the deadline plus the margin (an attempt abandoned by the client counts too). */
export function lateAnswers(history: History, boundMs = DEADLINE_MS + MARGIN_MS) {
  return history.attempts().filter((a) => a.latencyMs > boundMs);
}

/** Milliseconds since `t0`, rounded, for the figures. */
export const since = (t0: number) => Math.round(Date.now() - t0);
