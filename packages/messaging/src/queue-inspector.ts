import type { Channel } from 'amqplib';
import type { AmqpConnection } from './connection.ts';

/**
 * Reads queue depths on one channel of its own, shared by every concurrent call (amqplib runs a channel's
 * calls one after another). A failed check closes the channel; the next call opens one again.
 */
export function createQueueInspector(connection: AmqpConnection) {
  // The channel, or its opening while that is under way, so that calls arriving meanwhile wait for it.
  let channel: Promise<Channel> | undefined;

  const open = (): Promise<Channel> | undefined => {
    if (channel) return channel;
    const conn = connection.current();
    if (!conn) return undefined;
    const opening = conn.createChannel().then((opened) => {
      opened.on('error', () => undefined);
      opened.once('close', () => {
        if (channel === opening) channel = undefined;
      });
      return opened;
    });
    channel = opening;
    opening.catch(() => {
      if (channel === opening) channel = undefined;
    });
    return opening;
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
        const opening = open();
        if (!opening) return undefined;
        try {
          return (await (await opening).checkQueue(queue)).messageCount;
        } catch (err) {
          // The broker closes the channel on a failed check, perhaps after this answer arrived.
          if (channel === opening) channel = undefined;
          throw err;
        }
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
