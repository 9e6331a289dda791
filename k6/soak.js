// Soak: a steady arrival rate for hours, to find what only time reveals (leaks, growing queues, slow
// drift). Arrival rate rather than a VU count: a slowing system cannot hide by lowering its own load.
import { check } from 'k6';
import http from 'k6/http';
import { count, duration, JSON_HEADERS, RIDE_NAME, randomRide, rideUrl } from './config.js';

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: count('SOAK_RATE', 200),
      timeUnit: '1s',
      duration: duration('SOAK_DURATION', '2h'),
      preAllocatedVUs: count('SOAK_VUS', 20),
      maxVUs: count('SOAK_MAX_VUS', 100),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    http_req_duration: ['p(99)<100', 'max<2000'],
    checks: ['rate>0.999'],
    dropped_iterations: ['count==0'],
  },
};

/** Rides are recorded through a queue: a read waits this long after the write before it must see it. */
const READ_AFTER_MS = 1000 * count('SOAK_READ_AFTER_S', 10);

/**
 * Rides this VU posted and will read back, oldest first (module state is per VU in k6).
 * @type {{ ride: import('./config.js').Ride, at: number }[]}
 */
const toRead = [];

export default function () {
  const ride = randomRide();
  const res = http.post(rideUrl(ride), JSON.stringify(ride.body), {
    headers: JSON_HEADERS,
    tags: { name: RIDE_NAME },
  });
  check(res, { 'ride recorded (201)': (r) => r.status === 201 });
  // One ride in ten is read back later, so that the read path and its caches age alongside the writes.
  if (res.status === 201 && __ITER % 10 === 0) toRead.push({ ride, at: Date.now() });
  const due = toRead[0];
  if (due && Date.now() - due.at >= READ_AFTER_MS) {
    toRead.shift();
    const read = http.get(rideUrl(due.ride), { tags: { name: RIDE_NAME } });
    check(read, { 'a ride posted earlier is counted (200)': (r) => r.status === 200 });
  }
}
