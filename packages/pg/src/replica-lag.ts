import type { Pool } from './pool.ts';

export interface ReplicaLag {
  /**
   * Whether the replica, as last measured, had replayed everything the primary had written `maxLagMs`
   * ago. A read that starts on the replica after this answered true sees at least that.
   */
  within: (maxLagMs: number) => boolean;
  /** Measures once: the primary's WAL position, then the replica's replay position. */
  sample: () => Promise<void>;
  /** Starts measuring every `intervalMs` (one measurement at a time). */
  start: () => void;
  stop: () => void;
}

/** How long primary positions are kept: far beyond any bound a caller asks about. */
const KEEP_MS = 30_000;

/** A WAL position (`16/B374D848`) as a number that orders as positions do. */
const lsnValue = (text: string) => {
  const [high = '0', low = '0'] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
};

/**
 * Measures how far a streaming replica is behind its primary by position, not by time: the primary's
 * `pg_current_wal_lsn()` with the time its query was sent, then the replica's `pg_last_wal_replay_lsn()`.
 * The replica is fresh as of the latest primary sample it has replayed. Written by hand: no library
 * measures this. A failed sample, or a replay position that went back (a restarted replica may answer
 * from an older point), forgets what was known; a URL that is no standby (no replay position) is as
 * fresh as the primary.
 */
export function watchReplicaLag(options: {
  primary: Pool;
  replica: Pool;
  intervalMs?: number;
  now?: () => number;
}): ReplicaLag {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 250;
  let samples: { at: number; lsn: bigint }[] = [];
  let freshAsOf: number | undefined;
  let lastReplay: bigint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const sample = async () => {
    try {
      const sentAt = now();
      const primary = await options.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      samples.push({ at: sentAt, lsn: lsnValue(primary.rows[0]?.lsn ?? '0/0') });
      samples = samples.filter((s) => s.at >= sentAt - KEEP_MS);
      const replica = await options.replica.query<{ lsn: string | null }>(
        'SELECT pg_last_wal_replay_lsn()::text AS lsn',
      );
      const replayText = replica.rows[0]?.lsn;
      if (replayText === null || replayText === undefined) {
        freshAsOf = sentAt;
        return;
      }
      const replay = lsnValue(replayText);
      if (lastReplay !== undefined && replay < lastReplay) freshAsOf = undefined;
      lastReplay = replay;
      for (const s of samples) {
        if (s.lsn <= replay && (freshAsOf === undefined || s.at > freshAsOf)) freshAsOf = s.at;
      }
    } catch {
      freshAsOf = undefined;
      lastReplay = undefined;
    }
  };

  const tick = async () => {
    await sample();
    if (running) timer = setTimeout(tick, intervalMs).unref();
  };

  return {
    within: (maxLagMs) => freshAsOf !== undefined && now() - freshAsOf <= maxLagMs,
    sample,
    start: () => {
      if (running) return;
      running = true;
      void tick();
    },
    stop: () => {
      running = false;
      clearTimeout(timer);
    },
  };
}
