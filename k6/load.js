// Load: the course workload. Constant virtual users post lift rides as fast as answers come back, as the
// course client's threads do, and the thresholds are the targets the system is built to meet.
import { check } from 'k6';
import http from 'k6/http';
import { count, duration, JSON_HEADERS, RIDE_NAME, randomRide, rideUrl } from './config.js';

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    course: {
      executor: 'constant-vus',
      vus: count('LOAD_VUS', 32),
      duration: duration('LOAD_DURATION', '5m'),
      gracefulStop: '10s',
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    http_req_duration: ['p(99)<50', 'p(95)<25', 'avg<15'],
    http_reqs: ['rate>500'],
    checks: ['rate>0.999'],
  },
};

export default function () {
  const ride = randomRide();
  const res = http.post(rideUrl(ride), JSON.stringify(ride.body), {
    headers: JSON_HEADERS,
    tags: { name: RIDE_NAME },
  });
  check(res, { 'ride recorded (201)': (r) => r.status === 201 });
}
