import type { Logger } from '@skico/log';
import type { Channel, ChannelModel } from 'amqplib';
import type { AmqpConnection } from './connection.ts';

export interface KeptChannelOptions<C extends Channel> {
  /** Opens the channel on a connection: `(c) => c.createConfirmChannel()`, with any listeners it needs. */
  open: (connection: ChannelModel) => Promise<C>;
  log?: Logger;
  /** For the log lines. */
  name: string;
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

/**
 * One channel kept open on the process's connection: opened on every (re)connection, and opened again on
 * the same connection, with capped backoff, when the broker closes it on its own. A channel error (a
 * publish to a missing exchange, a failed declaration) closes only the channel; the connection stays up
 * and would never reconnect, so without this the channel would stay closed until the connection dropped.
 */
export function keepChannel<C extends Channel>(connection: AmqpConnection, options: KeptChannelOptions<C>) {
  let channel: C | undefined;
  let attempt = 0;
  const minMs = options.reopenMinMs ?? 50;
  const maxMs = options.reopenMaxMs ?? 2_000;

  // Decided after the delay: when the whole connection went, its channels closed too, and the
  // reconnection opens a new one on the next connection.
  const scheduleReopen = (model: ChannelModel) => {
    const delay = Math.min(maxMs, minMs * 2 ** attempt);
    attempt += 1;
    setTimeout(() => void reopen(model), delay).unref();
  };

  const openOn = async (model: ChannelModel) => {
    const opened = await options.open(model);
    const openedAt = Date.now();
    opened.on('error', (err: Error) =>
      options.log?.warn({ err: err.message, channel: options.name }, 'rabbitmq channel error'),
    );
    opened.once('close', () => {
      if (channel !== opened) return;
      channel = undefined;
      // A channel that keeps being closed right away is reopened ever more slowly.
      if (Date.now() - openedAt > maxMs) attempt = 0;
      scheduleReopen(model);
    });
    channel = opened;
  };

  const reopen = async (model: ChannelModel) => {
    if (channel || connection.current() !== model) return;
    try {
      await openOn(model);
      options.log?.info({ channel: options.name }, 'rabbitmq channel reopened');
    } catch (err) {
      options.log?.warn({ err: (err as Error).message, channel: options.name }, 'rabbitmq channel reopen failed');
      scheduleReopen(model);
    }
  };

  connection.onConnect(async (model) => {
    attempt = 0;
    await openOn(model);
  });

  return {
    /** The open channel, or undefined while there is none: callers fail fast instead of waiting. */
    current: () => channel,
  };
}
