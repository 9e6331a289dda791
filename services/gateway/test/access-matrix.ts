/**
 * Who may call what through the gateway: every operation of the contract × four callers, with the status
 * each must get. `owner` is a skier whose token subject is the skierID in the path (any skier on routes
 * without one); `other` is a skier with another subject. Enforced cell by cell by access-matrix.e2e.test.ts,
 * which also fails when an operation is added to the contract without a row here.
 */
export type Caller = 'anonymous' | 'owner' | 'other' | 'admin';

export type AccessRow = Record<Caller, number>;

const everyone = (status: number): AccessRow => ({ anonymous: status, owner: status, other: status, admin: status });
const adminOnly = (status: number): AccessRow => ({ anonymous: 401, owner: 403, other: 403, admin: status });
const ownerOrAdmin = (status: number): AccessRow => ({ anonymous: 401, owner: status, other: 403, admin: status });

export const accessMatrix: Record<string, AccessRow> = {
  // resorts, seasons, lifts, weather
  listResorts: everyone(200),
  createResort: adminOnly(201),
  getResort: everyone(200),
  listSeasons: everyone(200),
  createSeason: adminOnly(201),
  listLifts: everyone(200),
  putLift: adminOnly(201),
  getWeather: everyone(200),
  putWeather: adminOnly(200),
  // lift rides (course contract: scanners post without a token)
  recordLiftRide: everyone(201),
  getSkierDayVertical: everyone(200),
  getSkierVertical: everyone(200),
  getUniqueSkiers: everyone(200),
  getLiftWaitTimes: everyone(200),
  // skier profiles
  createSkier: everyone(201),
  getSkier: everyone(200),
  replaceSkier: ownerOrAdmin(200),
  deleteSkier: adminOnly(204),
  // the gateway's own routes
  getStatistics: everyone(200),
  getOpenApiDocument: everyone(200),
  getDocs: everyone(200),
  getLiveness: everyone(200),
  getReadiness: everyone(200),
};
