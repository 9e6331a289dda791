export {
  type BatchConsumer,
  type BatchConsumerOptions,
  type BatchReport,
  createBatchConsumer,
} from './batch-consumer.ts';
export { requestIdsOf } from './batching.ts';
export {
  type AmqpConnection,
  type AmqpConnectionOptions,
  type ChannelModel,
  createAmqpConnection,
} from './connection.ts';
export { type DeadLetter, listDeadLetters, redriveDeadLetters } from './dead-letters.ts';
export type { Delivery, Outcome, OutcomeName, Part, Split, Verdict } from './delivery.ts';
export { createGroupCommit, type GroupCommit, type GroupCommitOptions } from './group-commit.ts';
export { HoldBatch, isHoldBatch } from './hold-batch.ts';
export {
  createPublisher,
  isPublishFailed,
  type Publisher,
  PublishFailed,
  type PublishFailure,
  type PublishOptions,
} from './publisher.ts';
export { createQueueInspector, type QueueInspector } from './queue-inspector.ts';
export {
  declareQueueTopology,
  persistQueueArguments,
  type QueueLimits,
  type QueueTopology,
} from './topology.ts';
export { isTopologyMismatch, TopologyMismatch } from './topology-mismatch.ts';
