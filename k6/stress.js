// Stress: ramp virtual users well past capacity and back. The system may shed load (429/503 with
// Retry-After) but must not fail otherwise: no other 5xx, no connection errors, no timeouts.
import { count, duration } from './config.js';
import { postRideOrShed } from './overload.js';

const normal = count('STRESS_VUS', 100);
const beyond = count('STRESS_PEAK_VUS', 400);
const ramp = duration('STRESS_RAMP', '2m');
const hold = duration('STRESS_HOLD', '5m');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    stress: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: ramp, target: normal },
        { duration: hold, target: normal },
        { duration: ramp, target: beyond },
        { duration: hold, target: beyond },
        { duration: ramp, target: 0 },
      ],
      gracefulRampDown: '10s',
      gracefulStop: '10s',
    },
  },
  thresholds: {
    unexpected_errors: ['rate==0'],
    checks: ['rate==1'],
    recorded_ride_duration: ['p(95)<500'],
  },
};

export default function () {
  postRideOrShed(duration('STRESS_REQUEST_TIMEOUT', '5s'));
}
