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
    /**
     * Messages ready in the queue, or undefined when the broker cannot be asked now or does not answer
     * within `timeoutMs` (a hung broker must not hang a health check or a metrics scrape).
     */
    async depth(queue: string, timeoutMs = 1_000): Promise<number | undefined> {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      });
      const ask = async () => {
        const ch = await open();
        return ch ? (await ch.checkQueue(queue)).messageCount : undefined;
      };
      try {
        return await Promise.race([ask(), late]);
      } catch {
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type QueueInspector = ReturnType<typeof createQueueInspector>;
