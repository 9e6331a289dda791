import { createRandom, type Random } from './random.ts';

/** A lift ride as the course client sends it; its natural key is every field. */
export interface Ride {
  resortID: number;
  seasonID: string;
  dayID: number;
  skierID: number;
  liftID: number;
  time: number;
}

/** One request to send: what, and which final statuses count as success. */
export interface RequestDescriptor {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Short name of the operation, for per-operation counts. */
  kind: 'ride' | 'day-vertical' | 'season-totals' | 'unique-skiers' | 'resort-list';
  expect: readonly number[];
  /** Set on lift-ride POSTs, so that accepted rides can be found in Postgres afterwards. */
  ride?: Ride;
}

export type WorkloadName = 'course' | 'reads' | 'mixed';

/** The course workload's ranges (API.md). */
const courseRanges = { skierID: 100_000, resortID: 10, liftID: 40, dayID: 3, time: 360, seasonID: '2025' };

function ride(rand: Random): RequestDescriptor {
  const r: Ride = {
    resortID: rand.int(1, courseRanges.resortID),
    seasonID: courseRanges.seasonID,
    dayID: rand.int(1, courseRanges.dayID),
    skierID: rand.int(1, courseRanges.skierID),
    liftID: rand.int(1, courseRanges.liftID),
    time: rand.int(1, courseRanges.time),
  };
  return {
    method: 'POST',
    path: `/skiers/${r.resortID}/seasons/${r.seasonID}/days/${r.dayID}/skiers/${r.skierID}`,
    body: JSON.stringify({ time: r.time, liftID: r.liftID }),
    kind: 'ride',
    expect: [201],
    ride: r,
  };
}

// A skier with no rides that day is a legitimate 404, so it is not an error.
function read(rand: Random): RequestDescriptor {
  const { seasonID } = courseRanges;
  const resort = rand.int(1, courseRanges.resortID);
  const day = rand.int(1, courseRanges.dayID);
  const skier = rand.int(1, courseRanges.skierID);
  const pick = rand.next();
  if (pick < 0.4) {
    const path = `/skiers/${resort}/seasons/${seasonID}/days/${day}/skiers/${skier}`;
    return { method: 'GET', path, kind: 'day-vertical', expect: [200, 404] };
  }
  if (pick < 0.7) {
    const path = `/skiers/${skier}/vertical?resort=${resort}&season=${seasonID}`;
    return { method: 'GET', path, kind: 'season-totals', expect: [200] };
  }
  if (pick < 0.9) {
    const path = `/resorts/${resort}/seasons/${seasonID}/day/${day}/skiers`;
    return { method: 'GET', path, kind: 'unique-skiers', expect: [200] };
  }
  return { method: 'GET', path: '/resorts', kind: 'resort-list', expect: [200] };
}

/** The course client: lift-ride POSTs over the course ranges, endlessly; the runner decides when to stop. */
export function* courseRides(seed: number): Generator<RequestDescriptor> {
  const rand = createRandom(seed);
  for (;;) yield ride(rand);
}

/** Reads only: 40 % day vertical, 30 % season totals, 20 % unique skiers, 10 % resort list. */
export function* readMix(seed: number): Generator<RequestDescriptor> {
  const rand = createRandom(seed);
  for (;;) yield read(rand);
}

/** Reads and writes together: `writeShare` of the requests are lift rides, the rest the read mix. */
export function* mixed(seed: number, writeShare = 0.5): Generator<RequestDescriptor> {
  const rand = createRandom(seed);
  for (;;) yield rand.next() < writeShare ? ride(rand) : read(rand);
}

/** The generator for a workload name. */
export function workload(name: WorkloadName, seed: number): Generator<RequestDescriptor> {
  if (name === 'course') return courseRides(seed);
  if (name === 'reads') return readMix(seed);
  return mixed(seed);
}

/** Whether a workload writes rides, and so needs the drain check. */
export const writes = (name: WorkloadName) => name !== 'reads';
