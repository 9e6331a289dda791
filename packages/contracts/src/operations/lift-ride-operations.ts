import { defineOperation, problemAnswer } from '../operation.ts';
import {
  dayParams,
  dayVertical,
  liftRideBody,
  liftRideParams,
  liftRideRecorded,
  skierParams,
  uniqueSkiers,
  verticalAnswer,
  verticalQuery,
  waitTimes,
} from '../schemas/lift-ride.ts';
import { skierStats, skierStatsQuery } from '../schemas/skier.ts';

const skierDayPath = '/skiers/{resortID}/seasons/{seasonID}/days/{dayID}/skiers/{skierID}';

export const liftRideOperations = [
  defineOperation({
    operationId: 'recordLiftRide',
    method: 'POST',
    path: skierDayPath,
    service: 'lift-ride',
    auth: 'none',
    courseContract: true,
    summary: 'Record one lift ride',
    description:
      'A 201 means the ride is durable (confirmed by the broker or committed). Resending the same ride ' +
      '(resort, season, day, skier, lift, time) takes effect once.',
    tags: ['lift rides'],
    params: liftRideParams,
    body: liftRideBody,
    responses: {
      201: { description: 'The ride was recorded.', schema: liftRideRecorded, headers: ['Idempotent-Replayed'] },
      404: problemAnswer('Unknown resort, season or lift.'),
    },
  }),
  defineOperation({
    operationId: 'getSkierDayVertical',
    method: 'GET',
    path: skierDayPath,
    service: 'lift-ride',
    auth: 'none',
    courseContract: true,
    summary: 'A skier’s vertical for one day',
    tags: ['lift rides'],
    params: liftRideParams,
    responses: {
      200: { description: 'The vertical in metres, as a bare JSON integer.', schema: dayVertical },
      404: problemAnswer('The skier has no rides that day.'),
    },
  }),
  defineOperation({
    operationId: 'getSkierVertical',
    method: 'GET',
    path: '/skiers/{skierID}/vertical',
    service: 'lift-ride',
    auth: 'none',
    courseContract: true,
    summary: 'A skier’s total vertical per season',
    description: '`resort` is required and may repeat; `season` may repeat and limits the seasons reported.',
    tags: ['lift rides'],
    params: skierParams,
    query: verticalQuery,
    responses: { 200: { description: 'Vertical totals per season.', schema: verticalAnswer } },
  }),
  defineOperation({
    operationId: 'getUniqueSkiers',
    method: 'GET',
    path: '/resorts/{resortID}/seasons/{seasonID}/day/{dayID}/skiers',
    service: 'lift-ride',
    auth: 'none',
    courseContract: true,
    summary: 'Number of unique skiers at a resort on a day',
    tags: ['lift rides'],
    params: dayParams,
    responses: {
      200: { description: 'The resort’s name and the count.', schema: uniqueSkiers },
      404: problemAnswer('Unknown resort or season.'),
    },
  }),
  defineOperation({
    operationId: 'getLiftWaitTimes',
    method: 'GET',
    path: '/resorts/{resortID}/seasons/{seasonID}/days/{dayID}/lifts/wait-times',
    service: 'lift-ride',
    auth: 'none',
    summary: 'Estimated wait per lift',
    description: 'Estimated from recent ride rates; an expensive aggregate, so answers are cached for minutes.',
    tags: ['lift rides'],
    params: dayParams,
    cacheMaxAgeSeconds: 120,
    responses: {
      200: { description: 'The estimate per lift.', schema: waitTimes, headers: ['Cache-Control'] },
      404: problemAnswer('Unknown resort or season.'),
    },
  }),
  defineOperation({
    operationId: 'getSkierSeasonStats',
    method: 'GET',
    path: '/internal/skiers/{skierID}/stats',
    service: 'lift-ride',
    auth: 'none',
    // The skier service's view of a skier's rides, for its profile answer; callers reach it on the service's
    // own address, never through the gateway.
    internal: true,
    rateLimited: false,
    summary: 'A skier’s days, vertical and rides, for one season or all',
    tags: ['internal'],
    params: skierParams,
    query: skierStatsQuery,
    responses: { 200: { description: 'The stats; zero counts for a skier without rides.', schema: skierStats } },
  }),
];
