// What the stress and spike tests share: a ride is either recorded or honestly shed. Past capacity the
// system may answer 429 or 503 with Retry-After (back-pressure); anything else, and any timeout, is a bug.
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import { JSON_HEADERS, RIDE_NAME, randomRide, rideUrl } from './config.js';

/** Share of requests that were neither recorded (201) nor shed (429/503): errors, timeouts, other 5xx. */
export const unexpectedErrors = new Rate('unexpected_errors');
/** Requests answered 429 or 503: reported, not a failure. */
export const shedRequests = new Counter('shed_requests');
/** Latency of the rides that were recorded, apart from the quick refusals. */
export const recordedLatency = new Trend('recorded_ride_duration', true);

/** @param {string} timeout a k6 duration; a request still unanswered then counts as unexpected */
export function postRideOrShed(timeout) {
  const ride = randomRide();
  const res = http.post(rideUrl(ride), JSON.stringify(ride.body), {
    headers: JSON_HEADERS,
    tags: { name: RIDE_NAME },
    timeout,
  });
  const shed = res.status === 429 || res.status === 503;
  unexpectedErrors.add(res.status !== 201 && !shed);
  if (shed) shedRequests.add(1);
  if (res.status === 201) recordedLatency.add(res.timings.duration);
  check(res, {
    'ride recorded (201) or shed (429/503)': (r) => r.status === 201 || r.status === 429 || r.status === 503,
    'shed answers carry Retry-After': (r) => r.status === 201 || Boolean(r.headers['Retry-After']),
  });
}
