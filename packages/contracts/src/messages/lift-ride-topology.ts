/** The broker names of the lift-ride pipeline: the producer and the consumer declare and use the same. */
export interface LiftRideTopology {
  exchange: string;
  queue: string;
  deadExchange: string;
  deadQueue: string;
  routingKey: string;
}

/** The names of the lift-ride pipeline, behind an optional prefix so that test runs do not meet. */
export function liftRideTopology(namespace = ''): LiftRideTopology {
  return {
    exchange: `${namespace}lift-rides`,
    queue: `${namespace}lift-rides.persist`,
    deadExchange: `${namespace}lift-rides.dlx`,
    deadQueue: `${namespace}lift-rides.dead`,
    routingKey: 'ride',
  };
}
