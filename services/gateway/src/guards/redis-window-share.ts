import type { Redis } from '@skico/cache';
import type { SyncItem, SyncResult } from './sliding-window.ts';

// KEYS: the window's counter and the previous window's. ARGV: count to add, window ms.
// Returns both counts after the addition.
const addScript = `
local add = tonumber(ARGV[1])
local current
if add > 0 then
  current = redis.call('INCRBY', KEYS[1], add)
  if current == add then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2) end
else
  current = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
return {current, previous}
`;

type AddCommand = (current: string, previous: string, add: number, windowMs: number) => unknown;

const redisKey = (key: string, index: number) => `gateway:v1:rl:{${key}}:${index}`;

/**
 * The shared side in Redis: one pipelined script call per key and sync, so every gateway replica draws
 * from the same budget. The two keys of a script share a hash tag, so it also runs on a Redis Cluster.
 */
export function redisWindowShare(redis: Redis): (items: SyncItem[]) => Promise<SyncResult[]> {
  redis.defineCommand('skicoWindowAdd', { numberOfKeys: 2, lua: addScript });
  return async (items) => {
    const pipeline = redis.pipeline() as unknown as { skicoWindowAdd: AddCommand; exec: () => Promise<unknown> };
    for (const item of items) {
      pipeline.skicoWindowAdd(
        redisKey(item.key, item.index),
        redisKey(item.key, item.index - 1),
        item.add,
        item.windowMs,
      );
    }
    const replies = (await pipeline.exec()) as Array<[Error | null, [number, number]]>;
    return replies.map(([err, reply]) => {
      if (err) throw err;
      return { current: Number(reply[0]), previous: Number(reply[1]) };
    });
  };
}
