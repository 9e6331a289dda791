import { parseCommandLine } from '@skico/config';
import { ensureInfrastructure } from '../infra-check.ts';
import { addressesFromEnv, describeAddresses } from '../infra-env.ts';
import { createLineFormatter } from '../log-format.ts';
import { parseScale } from '../replicas.ts';
import { startStack } from '../start-stack.ts';

// `npm start`: the whole system as local processes under a supervisor, until Ctrl-C or SIGTERM.
const format = createLineFormatter({ colour: Boolean(process.stdout.isTTY) });
const say = (line: string) => console.log(format('stack', line));
const startedAt = Date.now();
const { values } = parseCommandLine(
  { scale: { type: 'string' } },
  `usage: npm start [-- --scale gateway=2,lift-ride=2,skier=2,worker=3]

  --scale  replicas of each stateless process (gateway, resort, skier, lift-ride, worker), one of each by
           default; a further replica listens 100 above the previous (lift-ride 8083, 8183, 8283)`,
);

try {
  const scale = parseScale(values.scale ?? '');
  // REDIS_URL, AMQP_URL, ADMIN_DATABASE_URL and SKICO_DATABASE move the infrastructure, as for the processes.
  const addresses = addressesFromEnv(process.env);
  for (const line of describeAddresses(addresses)) say(line);
  await ensureInfrastructure(say, addresses);
  say('preparing the database (roles, schemas, migrations, seed data) …');
  const stack = await startStack({
    onLine: (name, line) => console.log(format(name, line)),
    scale,
    adminUrl: addresses.adminUrl,
    settings: {
      postgres: addresses.postgres,
      database: addresses.database,
      redisUrl: addresses.redisUrl,
      amqpUrl: addresses.amqpUrl,
      // Every process logs at this level; `LOG_LEVEL=debug npm start` adds a line per request.
      ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
      // `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npm start` sends every process's traces there.
      tracesEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '',
    },
    // For profiling: SKICO_NODE_ARGS="--cpu-prof --cpu-prof-dir=.reports/profiles" npm start
    nodeArgs: process.env.SKICO_NODE_ARGS?.split(' ').filter(Boolean),
  });
  say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  say(`API:  ${stack.gatewayUrl}   (try: curl ${stack.gatewayUrl}/resorts)`);
  const gateways = stack.replicas('gateway');
  if (gateways.length > 1)
    say(
      `      and ${gateways
        .slice(1)
        .map((g) => g.url)
        .join(', ')} (more gateway replicas)`,
    );
  say(`Docs: ${stack.gatewayUrl}/docs`);
  say('Ctrl-C stops everything.');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping every process …`);
    await stack.stop();
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(format('stack', (err as Error).message));
  process.exit(1);
}
