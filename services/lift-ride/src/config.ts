import {
  flag,
  optionalUrl,
  port,
  positiveInt,
  processFields,
  refuseDevelopmentCredentials,
  url,
  urlList,
} from '@skico/config';
import { MAX_RIDES_PER_MESSAGE } from '@skico/contracts';
import { z } from 'zod';

const developmentDatabaseUrl = 'postgres://liftride_svc:liftride-dev-password@127.0.0.1:5432/skico';
const developmentAmqpUrl = 'amqp://guest:guest@127.0.0.1:5672';

export const liftRideConfigSchema = z
  .object({
    ...processFields(),
    LIFT_RIDE_PORT: port(8083, 'Port of the lift-ride API.'),
    LIFT_RIDE_WORKER_PORT: port(8084, 'Port of the lift-ride worker (health and metrics only).'),
    DATABASE_URL: url(
      developmentDatabaseUrl,
      ['postgres', 'postgresql'],
      'Postgres URL of the lift-ride service role (owns schema lift_ride).',
    ),
    DATABASE_READ_URL: optionalUrl(
      ['postgres', 'postgresql'],
      'Postgres URL of a read replica for the query side (the same role); empty: reads go to DATABASE_URL.',
    ),
    REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss'], 'Redis URL (read cache, metadata cache).'),
    AMQP_URL: urlList(
      developmentAmqpUrl,
      ['amqp', 'amqps'],
      "RabbitMQ URL (the lift-ride queue), or a cluster's nodes as a comma-separated list: the process connects to the first node that answers and moves on to another when it is lost.",
    ),
    RESORT_URL: urlList(
      'http://127.0.0.1:8081',
      ['http', 'https'],
      "Base URLs of the resort service's replicas (lift metadata), comma-separated (one URL: one replica); calls go round robin past a replica whose breaker is open.",
    ),
    NAMESPACE: z
      .string()
      .regex(/^[a-z0-9-]*$/)
      .default('')
      .describe('Prefix of Redis keys and RabbitMQ names, so that test runs do not meet.'),
    PG_POOL_MAX: positiveInt(10, 'Largest number of Postgres connections of this process.'),
    READ_CACHE_TTL_SECONDS: positiveInt(300, 'TTL of cached query answers (writes invalidate them sooner).'),
    WAIT_WINDOW_MINUTES: positiveInt(15, 'Window of ride times the wait-time estimate measures rates over.'),
    WAIT_TIMES_TTL_SECONDS: positiveInt(120, 'How long a wait-time estimate is cached.'),
    LIFT_CAPACITY_PER_MINUTE: positiveInt(30, 'Riders a lift loads per minute, for the wait-time estimate.'),
    METADATA_TTL_SECONDS: positiveInt(60, 'How long resort metadata (seasons, lifts) is cached in Redis.'),
    PUBLISH_TIMEOUT_MS: positiveInt(
      1_000,
      'Longest wait for the broker to confirm a message before its rides take the fallback.',
    ),
    PUBLISH_MAX_IN_FLIGHT: positiveInt(
      1,
      'Messages awaiting their confirm at once at most (group commit): the rides that arrive meanwhile leave together in the next one.',
    ),
    PUBLISH_MAX_RIDES: z.coerce
      .number()
      .int()
      .positive()
      .max(MAX_RIDES_PER_MESSAGE)
      .default(200)
      .describe('Rides one message carries at most (group commit; the message contract allows 1,000).'),
    PUBLISH_MAX_BYTES: positiveInt(65_536, 'Bytes one message carries at most (group commit).'),
    PUBLISH_FALLBACK: flag(true, 'Write a ride directly to Postgres when the broker cannot confirm it.'),
    FALLBACK_CONCURRENCY: positiveInt(8, 'Direct writes in flight at most (the fallback bulkhead).'),
    QUEUE_DELIVERY_LIMIT: positiveInt(
      5,
      'Processing failures of one message before it is dead-lettered (restarts and lost connections do not count).',
    ),
    QUEUE_MAX_LENGTH: positiveInt(
      1_000_000,
      'Messages the queue holds before publishes are refused (each carries up to PUBLISH_MAX_RIDES rides).',
    ),
    WORKER_BATCH_SIZE: positiveInt(
      500,
      'Rides the worker writes in one transaction at most (a message that alone carries more is written alone).',
    ),
    WORKER_LINGER_MS: positiveInt(20, 'How long the worker waits to fill a batch.'),
    WORKER_PREFETCH: positiveInt(
      250,
      "Unacknowledged messages the broker sends the worker ahead; as each carries up to PUBLISH_MAX_RIDES rides, it bounds the worker's memory.",
    ),
  })
  // In production the development passwords are refused: the process stops, naming the variable.
  .superRefine(
    refuseDevelopmentCredentials({
      DATABASE_URL: developmentDatabaseUrl,
      DATABASE_READ_URL: developmentDatabaseUrl,
      AMQP_URL: developmentAmqpUrl,
    }),
  );

export type LiftRideConfig = z.infer<typeof liftRideConfigSchema>;
