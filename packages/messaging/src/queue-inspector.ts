import type { Channel } from 'amqplib';
import type { AmqpConnection } from './connection.ts';

/** Reads queue depths on a channel of its own (a failed check closes a channel; it is reopened). */
export function createQueueInspector(connection: AmqpConnection) {
  let channel: Channel | undefined;

  const open = async (): Promise<Channel | undefined> => {
    if (channel) return channel;
    const conn = connection.current();
    if (!conn) return undefined;
    const opened = await conn.createChannel();
    opened.on('error', () => undefined);
    opened.once('close', () => {
      if (channel === opened) channel = undefined;
    });
    channel = opened;
    return opened;
  };

  return {
    /** Messages ready in the queue, or undefined when the broker cannot be asked now. */
    async depth(queue: string): Promise<number | undefined> {
      try {
        const ch = await open();
        if (!ch) return undefined;
        return (await ch.checkQueue(queue)).messageCount;
      } catch {
        return undefined;
      }
    },
  };
}

export type QueueInspector = ReturnType<typeof createQueueInspector>;
