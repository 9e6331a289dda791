import { activeTracer, type Context, context } from '@skico/tracing';

export interface GroupCommitOptions<T, R> {
  /**
   * Sends one group; what it resolves to (or throws) is every member's answer. Runs in the trace context
   * of the group's first member; `contexts` holds each member's, when tracing is on.
   */
  send: (items: T[], contexts: Context[]) => Promise<R>;
  /** Members of one group at most. */
  maxItems: number;
  /** Bytes of one group at most (by `sizeOf`); a member larger than this still leaves, alone. */
  maxBytes: number;
  sizeOf: (item: T) => number;
  /** Groups being sent at once at most: a member that arrives while this many are out joins the next group. */
  maxInFlight: number;
}

export interface GroupCommit<T, R> {
  /** Sends `item` in the next group that leaves and resolves with that group's answer. */
  add: (item: T) => Promise<R>;
  /** Members waiting for a group to leave (for metrics and tests). */
  waiting: () => number;
}

interface Member<T, R> {
  item: T;
  size: number;
  context: Context | undefined;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit, as a database groups the commits that arrive during a disk flush: while fewer than
 * `maxInFlight` groups are out, a member leaves at once (no added waiting at low load); otherwise it waits,
 * and when a group comes back, everything that arrived meanwhile leaves together, up to the count and byte
 * bounds. Members wait at most one send: under load the groups grow instead of the queue.
 */
export function createGroupCommit<T, R>(options: GroupCommitOptions<T, R>): GroupCommit<T, R> {
  const queue: Member<T, R>[] = [];
  let inFlight = 0;
  // Decided once: with tracing off, a member carries no context.
  const traced = activeTracer() !== undefined;

  const take = (): Member<T, R>[] => {
    const first = queue.shift() as Member<T, R>;
    const group = [first];
    let bytes = first.size;
    while (group.length < options.maxItems && queue.length > 0) {
      const next = queue[0] as Member<T, R>;
      if (bytes + next.size > options.maxBytes) break;
      bytes += next.size;
      group.push(queue.shift() as Member<T, R>);
    }
    return group;
  };

  const sendGroup = (group: Member<T, R>[]) => {
    inFlight += 1;
    const items = group.map((m) => m.item);
    const contexts = traced ? group.map((m) => m.context as Context) : [];
    const send = () => options.send(items, contexts);
    const first = group[0]?.context;
    // A send that throws synchronously is a failed send like any other.
    Promise.resolve()
      .then(first ? () => context.with(first, send) : send)
      .then(
        (value) => {
          for (const m of group) m.resolve(value);
        },
        (error: unknown) => {
          for (const m of group) m.reject(error);
        },
      )
      .finally(() => {
        inFlight -= 1;
        pump();
      });
  };

  function pump() {
    while (inFlight < options.maxInFlight && queue.length > 0) sendGroup(take());
  }

  return {
    add: (item) =>
      new Promise<R>((resolve, reject) => {
        queue.push({
          item,
          size: options.sizeOf(item),
          context: traced ? context.active() : undefined,
          resolve,
          reject,
        });
        pump();
      }),
    waiting: () => queue.length,
  };
}
