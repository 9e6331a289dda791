// Plain JavaScript with JSDoc types, not TypeScript: every k6 version runs it as is (TypeScript needs
// k6 >= 0.52 and --compatibility-mode=experimental_enhanced), and `tsc -p k6/tsconfig.json` still checks
// every script against the k6 type definitions (@types/k6) with checkJs and strict.

/** Where the gateway listens: `k6 run -e BASE_URL=http://host:8080 k6/load.js`. */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');

/** The course workload, as in the course contract: inclusive ranges. */
export const WORKLOAD = Object.freeze({
  skierID: [1, 100000],
  resortID: [1, 10],
  liftID: [1, 40],
  seasonID: '2025',
  dayID: [1, 3],
  time: [1, 360],
});

export const JSON_HEADERS = Object.freeze({ 'Content-Type': 'application/json' });

/**
 * A scenario duration that a test or a k6 user can shrink: `-e LOAD_DURATION=30s`.
 * @param {string} name
 * @param {string} fallback a k6 duration such as `5m`
 */
export function duration(name, fallback) {
  return __ENV[name] || fallback;
}

/**
 * A whole number from the environment, such as a VU count.
 * @param {string} name
 * @param {number} fallback
 */
export function count(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not ${raw}`);
  return value;
}

/**
 * @param {readonly number[]} range inclusive [min, max]
 * @returns {number}
 */
export function randomIn(range) {
  const [min = 1, max = min] = range;
  return min + Math.floor(Math.random() * (max - min + 1));
}

/**
 * @typedef {object} Ride
 * @property {number} resortID
 * @property {string} seasonID
 * @property {number} dayID
 * @property {number} skierID
 * @property {{ time: number, liftID: number }} body what the course client posts
 */

/**
 * One lift ride of the course workload, uniformly drawn from its ranges.
 * @returns {Ride}
 */
export function randomRide() {
  return {
    resortID: randomIn(WORKLOAD.resortID),
    seasonID: WORKLOAD.seasonID,
    dayID: randomIn(WORKLOAD.dayID),
    skierID: randomIn(WORKLOAD.skierID),
    body: { time: randomIn(WORKLOAD.time), liftID: randomIn(WORKLOAD.liftID) },
  };
}

/**
 * The ride's URL: POST records it, GET answers the skier's vertical that day.
 * @param {Ride} ride
 */
export function rideUrl(ride) {
  return `${BASE_URL}/skiers/${ride.resortID}/seasons/${ride.seasonID}/days/${ride.dayID}/skiers/${ride.skierID}`;
}

/** The `name` tag of ride requests, so that 100 000 skier URLs make one series in k6's output. */
export const RIDE_NAME = '/skiers/{resortID}/seasons/{seasonID}/days/{dayID}/skiers/{skierID}';
