import { DependencyUnavailable } from '@skico/errors';

export interface Bulkhead {
  name: string;
  /** Runs `work` if a slot is free; otherwise refuses at once (no queue: waiting is how overload spreads). */
  run: <T>(work: () => Promise<T>) => Promise<T>;
  inFlight: () => number;
  capacity: number;
}

/** A fixed number of concurrent calls for one class of work. @throws DependencyUnavailable `full`. */
export function createBulkhead(name: string, capacity: number): Bulkhead {
  let inFlight = 0;
  return {
    name,
    capacity,
    inFlight: () => inFlight,
    run: async (work) => {
      if (inFlight >= capacity) throw new DependencyUnavailable(name, 'full', { retryAfterSeconds: 1 });
      inFlight += 1;
      try {
        return await work();
      } finally {
        inFlight -= 1;
      }
    },
  };
}
