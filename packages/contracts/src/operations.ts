import type { HttpMethod, Operation, OwningService } from './operation.ts';
import { gatewayOperations } from './operations/gateway-operations.ts';
import { liftRideOperations } from './operations/lift-ride-operations.ts';
import { resortOperations } from './operations/resort-operations.ts';
import { skierOperations } from './operations/skier-operations.ts';

/** Every operation of the contract, the internal ones included, each with its literal types. */
export const allOperations = [...resortOperations, ...liftRideOperations, ...skierOperations, ...gatewayOperations];

/** Any operation of the contract, as its literal type (a union). */
export type AnyOperation = (typeof allOperations)[number];
/** The operations that `service` owns, as a union of their literal types. */
export type ServiceOperation<S extends OwningService> = Extract<AnyOperation, { service: S }>;
/** The ids of the operations that `service` owns: `OperationIdOf<'resort'>` is `'listResorts' | 'getResort' | …`. */
export type OperationIdOf<S extends OwningService> = ServiceOperation<S>['operationId'];
/** One operation of `service` by id, with its path template and the types of its input schemas. */
export type OperationOf<S extends OwningService, K extends OperationIdOf<S>> = Extract<
  ServiceOperation<S>,
  { operationId: K }
>;
/** Any operation id of the contract. */
export type OperationId = AnyOperation['operationId'];
/** One operation of the contract by id. */
export type OperationById<K extends OperationId> = Extract<AnyOperation, { operationId: K }>;

/**
 * Every operation the gateway serves: the public contract that routes, validation and the OpenAPI document
 * derive from. Internal operations (one service calling another) are not in it.
 */
export const operations: readonly Operation[] = allOperations.filter((op) => !op.internal);

/**
 * The operation with this id, internal ones included.
 * @throws Error when no operation has it (a typo in a caller, not a runtime condition).
 */
export function getOperation<K extends OperationId>(operationId: K): OperationById<K> {
  const found = allOperations.find((op) => op.operationId === operationId);
  if (!found) throw new Error(`No operation ${operationId} in the contract`);
  return found as OperationById<K>;
}

/** The public operation declared for this method and path template, if any. */
export function findOperation(method: HttpMethod, path: string): Operation | undefined {
  return operations.find((op) => op.method === method && op.path === path);
}
