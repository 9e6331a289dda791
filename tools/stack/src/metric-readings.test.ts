import { describe, expect, it } from 'vitest';
import { formatFigure, groupingLabels, parseExposition, readQuery, vectorSelectors } from './metric-readings.ts';

const exposition = `
# HELP http_server_request_duration_seconds Request duration.
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{le="0.01",route="/a",status="200",service="gateway"} 3
http_server_request_duration_seconds_bucket{le="+Inf",route="/a",status="200",service="gateway"} 4
http_server_request_duration_seconds_sum{route="/a",status="200",service="gateway"} 0.02
http_server_request_duration_seconds_count{route="/a",status="200",service="gateway"} 4
http_server_request_duration_seconds_sum{route="/a",status="503",service="gateway"} 0.03
http_server_request_duration_seconds_count{route="/a",status="503",service="gateway"} 1
http_server_request_duration_seconds_sum{route="/b",status="200",service="resort"} 0.5
http_server_request_duration_seconds_count{route="/b",status="200",service="resort"} 10
# TYPE skico_queue_depth gauge
skico_queue_depth{queue="lift-rides.persist",service="lift-ride"} 7
skico_queue_depth{queue="lift-rides.persist",service="lift-ride-worker"} 5
# TYPE skico_note_total counter
skico_note_total{text="say \\"hi\\"",service="gateway"} 2
`;
const scrape = parseExposition(exposition);

describe('metric readings', () => {
  it('when the exposition format is parsed, then samples keep their labels, escapes and values', () => {
    expect(scrape.samples).toHaveLength(11);
    expect(scrape.types.get('skico_queue_depth')).toBe('gauge');
    expect(scrape.samples.find((s) => s.name === 'skico_note_total')?.labels.text).toBe('say "hi"');
    expect(scrape.samples[1]?.value).toBe(4);
  });

  it('when a query is lexed, then its selectors and by-labels are found, not functions, keywords or numbers', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, service) (rate(x_bucket{service=~"$service",status="5.."}[$__rate_interval]))) / on (route) group_left y > bool 1e3 and skico:z:rate5m offset 5m';
    expect(vectorSelectors(expr)).toEqual([
      {
        metric: 'x_bucket',
        matchers: [
          { label: 'service', op: '=~', value: '$service' },
          { label: 'status', op: '=', value: '5..' },
        ],
      },
      { metric: 'y', matchers: [] },
      { metric: 'skico:z:rate5m', matchers: [] },
    ]);
    expect(groupingLabels(expr)).toEqual(['service']);
  });

  it('when a counter is read, then its series are summed per by-group, matchers and variables applied', () => {
    const [reading] = readQuery(
      scrape,
      'sum by (service) (rate(http_server_request_duration_seconds_count{service=~"$service",status=~"5.."}[1m]))',
      { service: '.*' },
    );
    expect(reading).toMatchObject({
      kind: 'counter',
      note: 'total since start',
      groups: [{ group: 'gateway', figure: '1' }],
    });
    expect(reading?.selector).toBe('http_server_request_duration_seconds_count{service=~".*",status=~"5.."}');
  });

  it('when a histogram is read through its buckets, then it shows how many observations and their mean', () => {
    const [reading] = readQuery(
      scrape,
      'histogram_quantile(0.5, sum by (le, service) (rate(http_server_request_duration_seconds_bucket[5m])))',
    );
    expect(reading?.kind).toBe('histogram');
    expect(reading?.groups).toEqual([
      { group: 'resort', figure: '10 × mean 50.0 ms' },
      { group: 'gateway', figure: '5 × mean 10.0 ms' },
    ]);
  });

  it('when a gauge is read without grouping, then it is one sum; when a series is missing, then it says why', () => {
    expect(readQuery(scrape, 'max(skico_queue_depth)')[0]).toMatchObject({
      kind: 'gauge',
      groups: [{ group: 'all', figure: '12' }],
    });
    expect(readQuery(scrape, 'skico:gateway_error_ratio:rate5m / 0.001')[0]).toMatchObject({
      kind: 'absent',
      note: expect.stringContaining('Prometheus'),
    });
    expect(readQuery(scrape, 'sum(rate(skico_shed_total[1m]))')[0]?.note).toBe('no series on /metrics yet');
  });

  it('when figures are formatted, then seconds and bytes read in their unit', () => {
    expect(formatFigure('x_seconds', 0.0123)).toBe('12.3 ms');
    expect(formatFigure('process_cpu_seconds_total', 2.5)).toBe('2.50 s');
    expect(formatFigure('x_bytes', 3 * 2 ** 20)).toBe('3.0 MiB');
    expect(formatFigure('x_total', 12345)).toBe('12,345');
  });
});
