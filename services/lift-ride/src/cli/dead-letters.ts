import { loadConfig, parseCommandLine } from '@skico/config';
import { liftRideTopology } from '@skico/contracts';
import { type DeadLetter, listDeadLetters, redriveDeadLetters } from '@skico/messaging';
import amqp from 'amqplib';
import { liftRideConfigSchema } from '../config.ts';
import { carriesRide, showLetter } from './letter-rides.ts';

// `npm run dead-letters -- list [--limit 20]` shows what is in lift-rides.dead, why, and the rides of each;
// `npm run dead-letters -- redrive [--limit 100] [--ride KEY]` sends those messages back to lift-rides.persist.
// Uses the same AMQP_URL and NAMESPACE as the services.
const usage = `Usage: npm run dead-letters -- list|redrive [--limit N] [--ride KEY]
  list      show the messages in lift-rides.dead, why each was dead-lettered, and the rides it carries
            (each with its key, request id and fields; default at most 20); the ones shown move to the
            back of the queue, so the next list shows the next ones
  redrive   send them back to lift-rides.persist (default at most 100); with --ride KEY
            (ride:resort:season:day:skier:lift:minute), only the letters that carry that ride`;
const { positionals, values } = parseCommandLine(
  { limit: { type: 'string' }, ride: { type: 'string' } },
  usage,
  undefined,
  true,
);
const command = positionals[0];
if (command !== 'list' && command !== 'redrive') {
  console.error(`Say what to do: list or redrive.\n\n${usage}`);
  process.exit(2);
}
const limit = Number(values.limit ?? (command === 'list' ? 20 : 100));
if (!Number.isInteger(limit) || limit < 1) {
  console.error(`--limit takes a positive whole number.\n\n${usage}`);
  process.exit(2);
}
const config = loadConfig(liftRideConfigSchema, process.env);
const topology = liftRideTopology(config.NAMESPACE);
const connection = await firstNode(config.AMQP_URL.split(',').map((u) => u.trim()));
try {
  const channel = await connection.createConfirmChannel();
  if (command === 'list') {
    const letters = (await listDeadLetters(channel, topology, limit)).map(showLetter);
    console.log(JSON.stringify({ queue: topology.deadQueue, shown: letters.length, letters }, null, 2));
  } else {
    const ride = values.ride;
    const select = ride === undefined ? undefined : (letter: DeadLetter) => carriesRide(letter, ride);
    const redriven = await redriveDeadLetters(channel, topology, limit, select);
    console.log(JSON.stringify({ from: topology.deadQueue, to: topology.queue, redriven }));
  }
  await channel.close();
} finally {
  await connection.close();
}

/** The first node of the list that accepts a connection (AMQP_URL may list a cluster's nodes). */
async function firstNode(urls: string[]) {
  let last: unknown;
  for (const url of urls) {
    try {
      return await amqp.connect(url, { timeout: 5_000 } as never);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
