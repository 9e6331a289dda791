import { Agent, request } from 'node:http';

// Clients that send every request with the smallest deadline allowed (`Request-Timeout: 1`), half of them
// lift-ride POSTs and half reads, in a process of their own so that their client work does not slow the
// client the test measures. `rate` requests a second in all, from `clients` connections, for `duration`
// ms. Prints the answers counted by status as JSON.
//   node --import tsx deadline-flooder.ts <gateway url> <clients> <rate> <duration ms> <first skier>

const [baseUrl, clientsArg, rateArg, durationArg, firstSkierArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const rate = Number(rateArg);
const durationMs = Number(durationArg);
const firstSkier = Number(firstSkierArg);
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const statuses: Record<number, number> = {};
let sent = 0;
/** Arrivals are sent in slots of this length: a waking every millisecond would take the CPU it measures. */
const SLOT_MS = 10;

function send(): Promise<void> {
  const n = sent++;
  const write = n % 2 === 0;
  const path = write
    ? `/skiers/${1 + (n % 10)}/seasons/2025/days/3/skiers/${firstSkier + n}`
    : `/skiers/${1 + (n % 10)}/seasons/2025/days/3/skiers/${firstSkier + (n % 50)}`;
  return new Promise((resolve) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method: write ? 'POST' : 'GET',
        agent,
        headers: { 'content-type': 'application/json', 'request-timeout': '1' },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          resolve();
        });
      },
    );
    req.on('error', () => {
      statuses[0] = (statuses[0] ?? 0) + 1;
      resolve();
    });
    req.end(write ? JSON.stringify({ time: 1 + (n % 360), liftID: 1 + (n % 40) }) : undefined);
  });
}

const started = performance.now();
const end = Date.now() + durationMs;
const inFlight = new Set<Promise<void>>();
let dropped = 0;
while (Date.now() < end) {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  while (sent + dropped < due) {
    if (inFlight.size >= clients) {
      dropped += 1;
      continue;
    }
    const p = send();
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  }
  await new Promise((resolve) => setTimeout(resolve, SLOT_MS));
}
await Promise.all(inFlight);
agent.destroy();
process.stdout.write(`${JSON.stringify({ sent, dropped, statuses, durationMs })}\n`);
