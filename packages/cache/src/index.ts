export {
  type Cache,
  type CacheStats,
  createCache,
  jitter,
  type ReadOptions,
  type RedisGuard,
  TOMBSTONE_SECONDS,
} from './cache-aside.ts';
export {
  createRedisClient,
  type Redis,
  type RedisOptions,
  reconnectWhenOpen,
  redisBreakerOptions,
  redisReady,
} from './redis-client.ts';
