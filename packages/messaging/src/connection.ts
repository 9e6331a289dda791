import type { Logger } from '@skico/log';
import amqp, { type ChannelModel } from 'amqplib';

export type { ChannelModel };

/** Connects to RabbitMQ with a bounded connect time and a heartbeat so that a dead peer is noticed. */
export async function connectAmqp(
  url: string,
  log: Logger,
  options: { connectTimeoutMs?: number } = {},
): Promise<ChannelModel> {
  const connection = await amqp.connect(url, { timeout: options.connectTimeoutMs ?? 2_000, heartbeat: 10 } as never);
  connection.on('error', (err) => log.warn({ err: err.message }, 'rabbitmq connection error'));
  return connection;
}
