const brand = Symbol.for('skico.HoldBatch');

/** Thrown by a handler when a dependency is down: the batch is kept and retried, consumption pauses. */
export class HoldBatch extends Error {
  readonly [brand] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HoldBatch';
  }
}

/** Whether an error is a HoldBatch, by brand: identity survives duplicate package copies. */
export function isHoldBatch(e: unknown): e is HoldBatch {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}
