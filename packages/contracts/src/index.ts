export {
  COMMITTED_DOCUMENT_PATH,
  checkCommittedDocument,
  type DocumentCheck,
  renderOpenApiDocument,
  writeCommittedDocument,
} from './committed-document.ts';
export { count, INT32_MAX, idParam, intParam, positiveInt32, repeatedParam, seasonId } from './fields.ts';
export { idempotencyKeyHeader, requestHeaderSchemas, requestIdHeader, requestTimeoutHeader } from './headers.ts';
export { allowedMethods, matchOperation, type OperationMatch, operationFor, operationsOf } from './match-operation.ts';
export {
  type LiftRideRecordedV1,
  type LiftRideRecordedV2,
  liftRideMessage,
  liftRideRecordedV1,
  MAX_RIDES_PER_MESSAGE,
  type ParsedLiftRideMessage,
  parseLiftRideMessage,
  type RecordedRide,
} from './messages/lift-ride-recorded.ts';
export { type LiftRideTopology, liftRideTopology } from './messages/lift-ride-topology.ts';
export { API_VERSION, buildOpenApiDocument, DEFAULT_SERVER_URL, type OpenApiDocument } from './openapi.ts';
export {
  type AuthRule,
  defineOperation,
  type HttpMethod,
  type Operation,
  type OperationSpec,
  type OwningService,
  problemAnswer,
  type RequestHeader,
  type ResponseHeader,
  type ResponseSpec,
} from './operation.ts';
export { type PathParams, pathBuilder } from './operation-path.ts';
export {
  findOperation,
  getOperation,
  type OperationById,
  type OperationId,
  type OperationIdOf,
  type OperationOf,
  operations,
  type ServiceOperation,
} from './operations.ts';
export { createResponseValidator, type ObservedResponse, type ResponseValidator } from './response-validator.ts';
export type { HealthDeps, Statistics, StatusReport } from './schemas/gateway.ts';
export {
  breakerState,
  healthDeps,
  healthLive,
  healthReady,
  openApiDocumentShape,
  statistics,
  statusReport,
} from './schemas/gateway.ts';
export {
  dayParams,
  dayVertical,
  type LiftRideBody,
  liftRideBody,
  liftRideParams,
  liftRideRecorded,
  skierParams,
  uniqueSkiers,
  type VerticalAnswer,
  verticalAnswer,
  verticalQuery,
  type WaitTimes,
  waitTimes,
} from './schemas/lift-ride.ts';
export { type FieldError, fieldError, PROBLEM_CONTENT_TYPE, type Problem, problem } from './schemas/problem.ts';
export {
  type Lift,
  lift,
  liftList,
  liftParams,
  liftPutBody,
  type ResortDetail,
  type ResortList,
  resortCreateBody,
  resortCreated,
  resortDetail,
  resortList,
  resortParams,
  seasonCreateBody,
  seasonCreated,
  seasonList,
} from './schemas/resort.ts';
export {
  passTypes,
  type SkierProfile,
  type SkierProfileBody,
  type SkierProfileWithStats,
  type SkierStats,
  skierProfile,
  skierProfileBody,
  skierProfileWithStats,
  skierStats,
  skierStatsQuery,
} from './schemas/skier.ts';
export {
  type WeatherPutBody,
  type WeatherReport,
  weatherConditions,
  weatherPutBody,
  weatherReport,
} from './schemas/weather.ts';
