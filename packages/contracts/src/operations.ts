import type { HttpMethod, Operation } from './operation.ts';
import { gatewayOperations } from './operations/gateway-operations.ts';
import { liftRideOperations } from './operations/lift-ride-operations.ts';
import { resortOperations } from './operations/resort-operations.ts';
import { skierOperations } from './operations/skier-operations.ts';

/** Every operation the gateway serves: the contract that routes, validation and the OpenAPI document derive from. */
export const operations: readonly Operation[] = [
  ...resortOperations,
  ...liftRideOperations,
  ...skierOperations,
  ...gatewayOperations,
];

/**
 * The operation with this id.
 * @throws Error when no operation has it (a typo in a caller, not a runtime condition).
 */
export function getOperation(operationId: string): Operation {
  const found = operations.find((op) => op.operationId === operationId);
  if (!found) throw new Error(`No operation ${operationId} in the contract`);
  return found;
}

/** The operation declared for this method and path template, if any. */
export function findOperation(method: HttpMethod, path: string): Operation | undefined {
  return operations.find((op) => op.method === method && op.path === path);
}
