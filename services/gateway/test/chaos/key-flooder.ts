import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { issueApiKey } from '@skico/auth';

// A client that sends every request with an API key of its own making, in a process of its own so that its
// work does not slow the reads the test measures: half made-up strings, half keys of the issued shape signed
// with a guessed secret. It sends `count` profile creations at `rate` a second (at most MAX_IN_FLIGHT
// waiting for an answer; a lagging arrival is sent late, never dropped) and prints a JSON summary.
//   node --import tsx key-flooder.ts <gateway url> <count> <rate>

const [baseUrl, countArg, rateArg] = process.argv.slice(2);
const count = Number(countArg);
const rate = Number(rateArg);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const MAX_IN_FLIGHT = 32;
const SLOT_MS = 10;
const statuses: Record<number, number> = {};
/** The order in which the first refusal was sent, and the last success. */
let firstRefused = -1;
let lastCreated = -1;
let sent = 0;

const keyOf = (n: number) =>
  n % 2 === 0
    ? `flood-${randomUUID()}`
    : issueApiKey('a-guessed-secret-of-at-least-32-bytes!', `flood-${n % 1000}`).key;

function post(): Promise<void> {
  const n = sent++;
  return new Promise((resolve) => {
    const req = request(
      `${baseUrl}/skiers`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': keyOf(n) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 429 && (firstRefused < 0 || n < firstRefused)) firstRefused = n;
          if (status === 201) lastCreated = Math.max(lastCreated, n);
          resolve();
        });
      },
    );
    req.on('error', () => {
      statuses[0] = (statuses[0] ?? 0) + 1;
      resolve();
    });
    req.end(JSON.stringify({ name: 'Flood', passType: 'day' }));
  });
}

const started = performance.now();
const inFlight = new Set<Promise<void>>();
while (sent < count) {
  const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
  while (sent < due && inFlight.size < MAX_IN_FLIGHT) {
    const p = post();
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  }
  await new Promise((resolve) => setTimeout(resolve, SLOT_MS));
}
await Promise.all(inFlight);
agent.destroy();
console.log(
  JSON.stringify({ sent, statuses, firstRefused, lastCreated, durationMs: Math.round(performance.now() - started) }),
);
