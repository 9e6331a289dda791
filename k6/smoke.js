// Smoke: one or two virtual users walk the course contract a few times; every answer must be right.
import { check, sleep } from 'k6';
import http from 'k6/http';
import { BASE_URL, count, duration, JSON_HEADERS, RIDE_NAME, randomRide, rideUrl } from './config.js';

const FOUND_OR_NOT_YET = http.expectedStatuses(200, 404);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    smoke: {
      executor: 'per-vu-iterations',
      vus: count('SMOKE_VUS', 2),
      iterations: count('SMOKE_ITERATIONS', 3),
      maxDuration: duration('SMOKE_MAX_DURATION', '1m'),
    },
  },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    http_req_duration: ['p(95)<500'],
  },
};

/**
 * @param {import('k6/http').Response} res
 * @returns {any} the parsed body; the checks say whether it has the contract's shape
 */
function body(res) {
  return res.json();
}

export default function () {
  const resorts = http.get(`${BASE_URL}/resorts`, { tags: { name: '/resorts' } });
  check(resorts, {
    'GET /resorts is 200': (r) => r.status === 200,
    'GET /resorts lists the seeded resorts': (r) =>
      r.status === 200 && Array.isArray(body(r).resorts) && body(r).resorts.length >= 10,
  });

  const ride = randomRide();
  const posted = http.post(rideUrl(ride), JSON.stringify(ride.body), {
    headers: JSON_HEADERS,
    tags: { name: RIDE_NAME },
  });
  check(posted, { 'POST ride is 201': (r) => r.status === 201 });

  // Rides are recorded through a queue, so the read may lag the write: poll for up to 5 s, with 404 ("no
  // rides yet") an expected answer meanwhile so that it does not count in http_req_failed.
  let vertical = http.get(rideUrl(ride), { tags: { name: RIDE_NAME }, responseCallback: FOUND_OR_NOT_YET });
  for (let i = 0; i < 50 && vertical.status === 404; i++) {
    sleep(0.1);
    vertical = http.get(rideUrl(ride), { tags: { name: RIDE_NAME }, responseCallback: FOUND_OR_NOT_YET });
  }
  check(vertical, {
    'GET day vertical is 200': (r) => r.status === 200,
    'day vertical is a positive whole number of metres': (r) =>
      r.status === 200 && Number.isInteger(body(r)) && body(r) > 0,
  });

  const stats = http.get(`${BASE_URL}/statistics`, { tags: { name: '/statistics' } });
  check(stats, {
    'GET /statistics is 200': (r) => r.status === 200,
    'statistics list endpoints': (r) => r.status === 200 && Array.isArray(body(r).endpointStats),
  });

  sleep(Number(__ENV.SMOKE_SLEEP || 0.5));
}
