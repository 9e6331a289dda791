import type { Cache } from '@skico/cache';
import type { VerticalAnswer, WaitTimes } from '@skico/contracts';
import { checkResortSeason, type ResortMetadata } from './check-ride.ts';
import { dayVerticalKey, skierStatsKey, skierTotalsKey, uniqueSkiersKey, waitTimesKey } from './ride.ts';
import { estimateWaitMinutes } from './wait-time.ts';

export interface ResortSeasonTotal {
  resortID: number;
  seasonID: string;
  vertical: number;
}

export interface SeasonStats {
  seasonID: string | null;
  daysSkied: number;
  vertical: number;
  rides: number;
}

export interface LiftRate {
  liftID: number;
  rides: number;
}

/** The queries over the ride aggregates that the reads need (implemented over Postgres in data/). */
export interface RideQueries {
  /** The skier's vertical that day, or undefined when the skier has no ride that day. */
  dayVertical(resortID: number, seasonID: string, dayID: number, skierID: number): Promise<number | undefined>;
  /** The skier's total vertical per resort and season. */
  resortSeasonTotals(skierID: number): Promise<ResortSeasonTotal[]>;
  /** Days skied, vertical and rides over every resort, for one season or (undefined) all of them. */
  skierStats(skierID: number, seasonID: string | undefined): Promise<SeasonStats>;
  /** Distinct skiers with at least one ride at the resort that day. */
  uniqueSkiers(resortID: number, seasonID: string, dayID: number): Promise<number>;
  /** Rides per lift in the last `windowMinutes` minutes of the day's ride times. */
  recentLiftRates(
    resortID: number,
    seasonID: string,
    dayID: number,
    windowMinutes: number,
  ): Promise<{ latestMinute: number | null; lifts: LiftRate[] }>;
}

export interface RideReadsDeps {
  cache: Cache;
  metadata: ResortMetadata;
  queries: RideQueries;
  /** Window the wait-time estimate measures ride rates over, in minutes. */
  waitWindowMinutes: number;
  /** Riders a lift loads per minute, for the wait-time estimate. */
  liftCapacityPerMinute: number;
  /** TTL of cached query answers; writes invalidate them before it runs out. */
  readTtlSeconds: number;
  waitTimesTtlSeconds: number;
}

/**
 * The lift-ride read use cases over the aggregates, cache-aside: a skier's day vertical, season totals
 * and season stats, a resort day's unique skiers and its lifts' wait times.
 */
export function createRideReads(deps: RideReadsDeps) {
  const { cache, queries } = deps;
  const cached = { ttlSeconds: deps.readTtlSeconds, negativeTtlSeconds: 5 };

  return {
    dayVertical: (resortID: number, seasonID: string, dayID: number, skierID: number) =>
      cache.getOrLoad(
        dayVerticalKey(resortID, seasonID, dayID, skierID),
        () => queries.dayVertical(resortID, seasonID, dayID, skierID),
        cached,
      ),

    async seasonTotals(skierID: number, resortIDs: number[], seasonIDs: string[] | undefined) {
      const all =
        (await cache.getOrLoad(skierTotalsKey(skierID), () => queries.resortSeasonTotals(skierID), cached)) ?? [];
      const bySeason = new Map<string, number>();
      for (const row of all) {
        if (!resortIDs.includes(row.resortID)) continue;
        if (seasonIDs && !seasonIDs.includes(row.seasonID)) continue;
        bySeason.set(row.seasonID, (bySeason.get(row.seasonID) ?? 0) + row.vertical);
      }
      return [...bySeason].map(([seasonID, totalVert]) => ({
        seasonID,
        totalVert,
      })) satisfies VerticalAnswer['resorts'];
    },

    async uniqueSkiers(resortID: number, seasonID: string, dayID: number) {
      const resort = await checkResortSeason(deps.metadata, resortID, seasonID);
      const numSkiers = await cache.getOrLoad(
        uniqueSkiersKey(resortID, seasonID, dayID),
        () => queries.uniqueSkiers(resortID, seasonID, dayID),
        cached,
      );
      return { time: resort.resortName, numSkiers: numSkiers ?? 0 };
    },

    skierStats: async (skierID: number, seasonID: string | undefined): Promise<SeasonStats> =>
      (await cache.getOrLoad(
        skierStatsKey(skierID, seasonID),
        () => queries.skierStats(skierID, seasonID),
        cached,
      )) ?? {
        seasonID: seasonID ?? null,
        daysSkied: 0,
        vertical: 0,
        rides: 0,
      },

    async waitTimes(resortID: number, seasonID: string, dayID: number): Promise<WaitTimes> {
      const resort = await checkResortSeason(deps.metadata, resortID, seasonID);
      const compute = async (): Promise<WaitTimes> => {
        const window = deps.waitWindowMinutes;
        const rates = await queries.recentLiftRates(resortID, seasonID, dayID, window);
        const counted = new Map(rates.lifts.map((l) => [l.liftID, l.rides]));
        return {
          resortID,
          seasonID,
          dayID,
          windowMinutes: window,
          computedAt: new Date().toISOString(),
          lifts: resort.lifts.map((lift) => {
            const rides = counted.get(lift.liftID) ?? 0;
            return {
              liftID: lift.liftID,
              ridesLastWindow: rides,
              estimatedWaitMinutes: estimateWaitMinutes(rides / window, deps.liftCapacityPerMinute),
            };
          }),
        };
      };
      const answer = await cache.getOrLoad(waitTimesKey(resortID, seasonID, dayID), compute, {
        ttlSeconds: deps.waitTimesTtlSeconds,
      });
      return answer ?? compute();
    },
  };
}

export type RideReads = ReturnType<typeof createRideReads>;
