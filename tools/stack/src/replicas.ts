import { type ProcessSpec, processes } from './processes.ts';

/** How many replicas of each process to run, by process name (`worker` stands for lift-ride-worker); 1 by default. */
export type Scale = Record<string, number>;

/** A process of the table run as one of several: its own name (`lift-ride-2`), port and supervision. */
export interface ReplicaSpec extends ProcessSpec {
  /** The process of the table it is a replica of. */
  replicaOf: string;
  /** 0 for the first replica, which keeps the process's own name and ports. */
  index: number;
}

const aliases: Record<string, string> = { worker: 'lift-ride-worker' };

/** The replica of `name` at `index`: the first keeps the name, the others are `name-2`, `name-3`, … */
export const replicaName = (name: string, index: number) => (index === 0 ? name : `${name}-${index + 1}`);

/** Default ports of the further replicas: 100 above the previous (lift-ride 8083, 8183, 8283). */
export const REPLICA_PORT_STEP = 100;

/**
 * Reads `gateway=2,lift-ride=2,skier=2,worker=3`.
 * @throws when a name is no process of the stack or a count is not a positive integer.
 */
export function parseScale(text: string): Scale {
  const scale: Scale = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [key = '', value = ''] = part.split('=').map((s) => s.trim());
    const name = aliases[key] ?? key;
    const count = Number(value);
    if (!processes.some((p) => p.name === name)) {
      throw new Error(`--scale: no process ${key} (one of ${processes.map((p) => p.name).join(', ')}, worker)`);
    }
    if (!Number.isInteger(count) || count < 1) throw new Error(`--scale: ${key}=${value} is not a positive count`);
    scale[name] = count;
  }
  return scale;
}

/** How many replicas of a process the scale asks for. */
export const countOf = (scale: Scale | undefined, name: string) =>
  scale?.[name] ?? scale?.[Object.keys(aliases).find((alias) => aliases[alias] === name) ?? name] ?? 1;

/** Every replica of the given processes, in their start order, replicas of one process together. */
export function replicasOf(specs: ProcessSpec[], scale: Scale | undefined): ReplicaSpec[] {
  return specs.flatMap((spec) =>
    Array.from({ length: countOf(scale, spec.name) }, (_, index) => ({
      ...spec,
      name: replicaName(spec.name, index),
      replicaOf: spec.name,
      index,
    })),
  );
}
