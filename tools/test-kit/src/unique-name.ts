import { randomBytes } from 'node:crypto';

// Postgres truncates identifiers past 63 bytes; the id takes 15 of them.
const maxPrefixLength = 48;

/**
 * `prefix` plus an underscore and a time-and-random id, e.g. `lift_ride_m3x9k2ab4f1c9e`: lowercase
 * `[a-z0-9_]` only, so it is usable unquoted as a Postgres identifier, a Redis key prefix and a RabbitMQ
 * name. Other characters in the prefix become underscores.
 */
export function uniqueName(prefix: string): string {
  let safe = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(safe)) safe = `t_${safe}`;
  const id = `${Date.now().toString(36).slice(-8)}${randomBytes(3).toString('hex')}`;
  return `${safe.slice(0, maxPrefixLength)}_${id}`;
}
