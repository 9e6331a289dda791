// What the tools read of the gateway (the configuration table, the resilience map, production checks).
export { DEVELOPMENT_API_KEY_SECRET, DEVELOPMENT_JWT_SECRET, gatewayConfigSchema } from './config.ts';
export { gatewayResilience, upstreamCapacity } from './resilience.ts';
