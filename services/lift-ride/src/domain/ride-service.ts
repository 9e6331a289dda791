import type { Cache } from '@skico/cache';
import type { VerticalAnswer, WaitTimes } from '@skico/contracts';
import { notFound } from '@skico/errors';
import type { ResortMetadata } from '../data/resort-metadata.ts';
import type { RideQueries, SeasonStats } from '../data/ride-queries.ts';
import { type AcceptContext, type AcceptDeps, acceptRide } from './accept-ride.ts';
import { type RideRequest, resolveRide } from './record-ride.ts';
import { dayVerticalKey, type Ride, skierStatsKey, skierTotalsKey, uniqueSkiersKey, waitTimesKey } from './ride.ts';
import { estimateWaitMinutes } from './wait-time.ts';

export interface RideServiceDeps {
  cache: Cache;
  accept: AcceptDeps;
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

/** The lift-ride use cases: record a ride, and the queries over the aggregates, cache-aside. */
export function createRideService(deps: RideServiceDeps) {
  const { cache, queries } = deps;
  const cached = { ttlSeconds: deps.readTtlSeconds, negativeTtlSeconds: 5 };

  const resortOrThrow = async (resortID: number, seasonID: string) => {
    const resort = await deps.metadata.get(resortID);
    if (!resort) throw notFound('RESORT_NOT_FOUND', `Resort ${resortID} does not exist.`);
    if (!resort.seasons.includes(seasonID)) {
      throw notFound('SEASON_NOT_FOUND', `Resort ${resortID} has no season ${seasonID}.`);
    }
    return resort;
  };

  return {
    /** Validates a ride against the resort's metadata and makes it durable (queue, or the fallback write). */
    async record(request: RideRequest, context: AcceptContext): Promise<Ride> {
      const ride = await resolveRide(deps.metadata, request);
      await acceptRide(deps.accept, ride, context);
      return ride;
    },

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
      const resort = await resortOrThrow(resortID, seasonID);
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
      const resort = await resortOrThrow(resortID, seasonID);
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

export type RideService = ReturnType<typeof createRideService>;
