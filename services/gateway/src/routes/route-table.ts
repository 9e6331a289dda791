export type UpstreamName = 'resort' | 'skier' | 'lift-ride';

export interface GatewayRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI-style path template; also the label of the route in /statistics. */
  template: string;
  upstream: UpstreamName;
}

/** Every public route and the service that owns it. */
export const routeTable: GatewayRoute[] = [
  { method: 'GET', template: '/resorts', upstream: 'resort' },
  { method: 'GET', template: '/resorts/{resortID}/seasons', upstream: 'resort' },
];

/** `/resorts/{resortID}` → `/resorts/:resortID`, the express form. */
export function expressPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}
