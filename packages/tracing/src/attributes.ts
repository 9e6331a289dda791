// Attribute names on Skico's spans. The HTTP ones are stable semantic conventions; the messaging ones are
// still incubating upstream, so they are spelled out here rather than imported from the unstable entry.
export {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';

export const ATTR_PEER_SERVICE = 'peer.service';
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_RABBITMQ_ROUTING_KEY = 'messaging.rabbitmq.destination.routing_key';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';

/** The request id (X-Request-Id), which also appears on every log line of the request. */
export const ATTR_REQUEST_ID = 'skico.request_id';
/** How many times the broker delivered a message before this delivery. */
export const ATTR_DELIVERY_COUNT = 'skico.delivery_count';
/** How many messages of a batch were acknowledged (written or already there). */
export const ATTR_ACKED_COUNT = 'skico.acked_count';
/** What the consumer did with a message: ack, retry or reject. */
export const ATTR_OUTCOME = 'skico.outcome';
/** The dependency a breaker guards. */
export const ATTR_DEPENDENCY = 'skico.dependency';
