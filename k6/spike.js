// Spike: a quiet baseline, then ten times the users within seconds, then back. Load may be shed during the
// spike (429/503 with Retry-After), never failed, and the system must serve the baseline again afterwards.
import { count, duration } from './config.js';
import { postRideOrShed } from './overload.js';

const baseline = count('SPIKE_BASE_VUS', 20);
const peak = count('SPIKE_PEAK_VUS', 200);
const jump = duration('SPIKE_JUMP', '10s');
const hold = duration('SPIKE_HOLD', '1m');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-vus',
      startVUs: baseline,
      stages: [
        { duration: hold, target: baseline },
        { duration: jump, target: peak },
        { duration: hold, target: peak },
        { duration: jump, target: baseline },
        { duration: hold, target: baseline },
      ],
      gracefulRampDown: '5s',
      gracefulStop: '10s',
    },
  },
  thresholds: {
    unexpected_errors: ['rate==0'],
    checks: ['rate==1'],
    recorded_ride_duration: ['p(99)<1000'],
  },
};

export default function () {
  postRideOrShed(duration('SPIKE_REQUEST_TIMEOUT', '5s'));
}
