export { createRedisClient, type Redis, type RedisOptions } from './redis-client.ts';
