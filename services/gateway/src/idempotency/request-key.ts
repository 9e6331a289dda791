import { createHash } from 'node:crypto';

/** A POST carrying an Idempotency-Key, with what scopes the key. */
export interface KeyedRequest {
  /** The key as the client sent it. */
  key: string;
  /** Who sent it (`clientOf`): one client's key never meets another's. */
  client: string;
  /** The contract operation: the same key on two routes names two requests. */
  operationId: string;
  /** `fingerprint(method, url, body)`: the same key with another request is 422. */
  fingerprint: string;
  requestId?: string;
}

/** The fingerprint of a request: method, path with query, and the exact body bytes. */
export function fingerprint(method: string, url: string, body: Buffer | undefined): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(body ?? Buffer.alloc(0))
    .digest('hex');
}

/**
 * The key under which both the gateway's record and the service's effect are stored: the client's key
 * scoped to the client and the operation, so that no client can meet or squat on another's keys. A
 * 64-character hex string, itself a valid Idempotency-Key for the service that receives it.
 */
export function scopedKey(request: Pick<KeyedRequest, 'key' | 'client' | 'operationId'>): string {
  return createHash('sha256')
    .update(JSON.stringify([request.client, request.operationId, request.key]))
    .digest('hex');
}
