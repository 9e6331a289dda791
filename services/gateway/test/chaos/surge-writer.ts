import { Agent, request } from 'node:http';

// A writer of lift rides in a process of its own, so that its client work does not slow the reads measured
// by the test. `closed N`: N writers back to back; `open R`: R rides a second whatever the answers (the
// arrival rate of a surge does not drop because the system is slow), with at most MAX_IN_FLIGHT waiting
// for an answer, as a client's connection pool would: beyond that an arrival is dropped and counted, so
// that a machine busy with other work cannot pile up a backlog in the writer itself. Prints a JSON summary.
//   node --import tsx surge-writer.ts <gateway url> closed|open <N|R> <duration ms> <first skier>

const [baseUrl, mode, amount, durationArg, firstSkierArg] = process.argv.slice(2);
const durationMs = Number(durationArg);
const firstSkier = Number(firstSkierArg);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const statuses: Record<number, number> = {};
const shedMs: number[] = [];
let shedWithoutRetryAfter = 0;
let sent = 0;
let dropped = 0;
const MAX_IN_FLIGHT = 32;
/**
 * The open model sends the arrivals due in slots of this length. The writer shares the two cores with the
 * system it loads, which a real client would not: waking every 2 ms, it took enough CPU to raise the read
 * p99 it is meant to leave alone (with two writes admitted: ratio 1.8-2.1 with 2 ms slots, 1.4-1.6 with 10 ms).
 */
const SLOT_MS = 10;

function post(): Promise<void> {
  const n = sent++;
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      `${baseUrl}/skiers/${1 + (n % 10)}/seasons/2025/days/1/skiers/${firstSkier + n}`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 503) {
            shedMs.push(performance.now() - started);
            if (!res.headers['retry-after']) shedWithoutRetryAfter += 1;
          }
          resolve();
        });
      },
    );
    req.on('error', () => {
      statuses[0] = (statuses[0] ?? 0) + 1;
      resolve();
    });
    req.end(JSON.stringify({ time: 1 + (n % 360), liftID: 1 + (n % 40) }));
  });
}

const end = Date.now() + durationMs;
if (mode === 'closed') {
  await Promise.all(
    Array.from({ length: Number(amount) }, async () => {
      while (Date.now() < end) await post();
    }),
  );
} else {
  const rate = Number(amount);
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  while (Date.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (sent + dropped < due) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        dropped += 1;
        continue;
      }
      const p = post();
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
    }
    await new Promise((resolve) => setTimeout(resolve, SLOT_MS));
  }
  await Promise.all(inFlight);
}
agent.destroy();
process.stdout.write(
  `${JSON.stringify({
    sent,
    dropped,
    statuses,
    shedP99Ms: Math.round(shedMs.sort((a, b) => a - b)[Math.max(0, Math.ceil(shedMs.length * 0.99) - 1)] ?? 0),
    shedWorstMs: Math.round(Math.max(0, ...shedMs)),
    shedWithoutRetryAfter,
    durationMs,
  })}\n`,
);
