import { randomBytes, randomUUID } from 'node:crypto';
import { startTestStack, type TestStack } from '@skico/stack';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Traces across every hop, against the real processes, Postgres, Redis and RabbitMQ: the stack sends its
// spans to a small in-test OTLP/HTTP receiver, the way it would send them to Jaeger.

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const ridePath = (resortID: number, skierID: number) => `/skiers/${resortID}/seasons/2025/days/1/skiers/${skierID}`;
const rideTemplate = '/skiers/:resortID/seasons/:seasonID/days/:dayID/skiers/:skierID';

/** A caller's W3C trace context: a fresh trace id and the caller's own span id. */
function caller() {
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The spans of one trace, with lookups by process and kind and the parent chain of a span. */
function traceOf(receiver: OtlpReceiver, traceId: string) {
  const spans = receiver.spans().filter((s) => s.traceId === traceId);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const find = (service: string, kind: ReceivedSpan['kind'], name?: string | RegExp) =>
    spans.filter(
      (s) =>
        s.service === service &&
        s.kind === kind &&
        (name === undefined || (typeof name === 'string' ? s.name === name : name.test(s.name))),
    );
  const one = (service: string, kind: ReceivedSpan['kind'], name?: string | RegExp) => {
    const found = find(service, kind, name);
    expect(found, `one ${kind} span of ${service} named ${name ?? 'anything'}`).toHaveLength(1);
    return found[0] as ReceivedSpan;
  };
  /** The span ids from a span's parent up to the root, as far as they were received. */
  const ancestors = (span: ReceivedSpan) => {
    const chain: string[] = [];
    for (let id = span.parentSpanId; id !== undefined; id = byId.get(id)?.parentSpanId) chain.push(id);
    return chain;
  };
  return { spans, find, one, ancestors };
}

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack({
      settings: {
        tracesEndpoint: receiver.url,
        // The batch span processor sends every 100 ms instead of every 5 s, so that spans arrive at once …
        extra: { OTEL_BSP_SCHEDULE_DELAY: '100' },
        // … except the skier service's, which holds its spans for a minute: only a graceful stop sends them.
        rewrite: (name, env) => (name === 'skier' ? { ...env, OTEL_BSP_SCHEDULE_DELAY: '60000' } : env),
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('when a lift ride is posted with a traceparent, then gateway, lift-ride, resort, the queue and the worker join its trace', async () => {
    const call = caller();
    const requestId = `trace-${randomUUID()}`;
    const skierID = 700_000 + Math.floor(Math.random() * 1000);
    const res = await fetch(`${stack.gatewayUrl}${ridePath(7, skierID)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: call.traceparent, 'x-request-id': requestId },
      body: JSON.stringify({ time: 217, liftID: 21 }),
    });
    expect(res.status).toBe(201);

    const workerSpan = () =>
      traceOf(receiver, call.traceId).find('lift-ride-worker', 'consumer', /^process .*lift-rides\.persist$/);
    await waitFor(() => workerSpan().length > 0, { timeoutMs: 20_000, message: "the worker's span of the ride" });
    // Every process flushes on its own schedule: wait for the slowest hop too.
    await waitFor(() => traceOf(receiver, call.traceId).find('resort', 'server').length > 0, { timeoutMs: 10_000 });
    const t = traceOf(receiver, call.traceId);

    // gateway: the server span continues the caller's trace; the upstream call is a client span under it.
    const gatewayServer = t.one('gateway', 'server');
    expect(gatewayServer.parentSpanId).toBe(call.spanId);
    expect(gatewayServer.name).toBe(`POST ${rideTemplate}`);
    expect(gatewayServer.attributes).toMatchObject({
      'http.route': rideTemplate,
      'http.response.status_code': 201,
      'skico.request_id': requestId,
    });
    const gatewayClient = t.one('gateway', 'client', 'POST lift-ride');
    expect(t.ancestors(gatewayClient)).toContain(gatewayServer.spanId);
    expect(gatewayClient.attributes['http.response.status_code']).toBe(201);

    // lift-ride: its server span is the child of the gateway's client span (traceparent over HTTP).
    const liftRideServer = t.one('lift-ride', 'server');
    expect(liftRideServer.parentSpanId).toBe(gatewayClient.spanId);
    expect(liftRideServer.attributes).toMatchObject({
      'http.response.status_code': 201,
      'skico.request_id': requestId,
    });

    // lift-ride → resort: the metadata read of a resort it had not seen, service to service.
    const metadataClient = t.one('lift-ride', 'client', 'GET resort');
    expect(t.ancestors(metadataClient)).toContain(liftRideServer.spanId);
    const resortServer = t.one('resort', 'server');
    expect(resortServer.parentSpanId).toBe(metadataClient.spanId);
    expect(resortServer.name).toBe('GET /resorts/:resortID');

    // The publish: a producer span under the lift-ride request, inside the guarded broker call.
    const producer = t.one('lift-ride', 'producer');
    expect(producer.name).toMatch(/^publish .*lift-rides$/);
    expect(t.ancestors(producer)).toContain(liftRideServer.spanId);
    const guarded = t.spans.find((s) => s.spanId === producer.parentSpanId);
    expect(guarded).toMatchObject({ service: 'lift-ride', kind: 'internal', name: 'rabbitmq' });

    // The worker: the message's span is the producer span's child (traceparent in the AMQP headers) …
    const [consumer] = workerSpan();
    expect(consumer?.parentSpanId).toBe(producer.spanId);
    expect(consumer?.attributes).toMatchObject({ 'skico.outcome': 'ack', 'messaging.operation.type': 'process' });
    expect(consumer?.status).toBe('unset');

    // … and links to the batch that wrote it: a trace of its own, linked back to the producer span.
    const batchLink = consumer?.links[0];
    expect(batchLink).toBeDefined();
    await waitFor(() => receiver.spans().some((s) => s.spanId === batchLink?.spanId), { timeoutMs: 10_000 });
    const batch = receiver.spans().find((s) => s.spanId === batchLink?.spanId) as ReceivedSpan;
    expect(batch).toMatchObject({ service: 'lift-ride-worker', kind: 'consumer', traceId: batchLink?.traceId });
    expect(batch.name).toMatch(/^process batch .*lift-rides\.persist$/);
    expect(batch.parentSpanId).toBeUndefined();
    expect(batch.links).toContainEqual({ traceId: call.traceId, spanId: producer.spanId });
    expect(batch.attributes['messaging.batch.message_count']).toBeGreaterThanOrEqual(1);
    // The guarded Postgres write is a child of the batch span.
    const write = receiver.spans().find((s) => s.parentSpanId === batch.spanId && s.name === 'postgres');
    expect(write).toMatchObject({ service: 'lift-ride-worker', kind: 'internal', status: 'unset' });

    // Every span of the request is in the caller's trace; none started a trace of its own.
    for (const span of [gatewayServer, gatewayClient, liftRideServer, metadataClient, resortServer, producer]) {
      expect(span.traceId).toBe(call.traceId);
    }
  });

  it("when rides of many traces leave in one message, then each ride's request span and the message's publish span link to each other", async () => {
    const calls = Array.from({ length: 48 }, () => caller());
    const answers = await Promise.all(
      calls.map((call, i) =>
        fetch(`${stack.gatewayUrl}${ridePath(7, 800_000 + i)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', traceparent: call.traceparent },
          body: JSON.stringify({ time: 300 + i, liftID: 21 }),
        }).then((res) => res.status),
      ),
    );
    expect(answers.every((status) => status === 201)).toBe(true);
    const producers = () => receiver.spans().filter((s) => s.service === 'lift-ride' && s.kind === 'producer');
    const serverOf = (traceId: string) => traceOf(receiver, traceId).find('lift-ride', 'server')[0];
    await waitFor(() => calls.every((c) => serverOf(c.traceId) !== undefined), { timeoutMs: 10_000 });

    for (const call of calls) {
      const server = serverOf(call.traceId) as ReceivedSpan;
      // The message that carried this ride: its publish span links to the request, and the request to it.
      const carrier = producers().find((p) => p.links.some((l) => l.spanId === server.spanId));
      expect(carrier, `the publish span of the message that carried ${call.traceId}`).toBeDefined();
      expect(server.links).toContainEqual({ traceId: carrier?.traceId, spanId: carrier?.spanId });
    }
    // Group commit was at work: at least one message carried rides of several requests.
    const carriers = producers().filter((p) => calls.some((c) => p.links.some((l) => l.traceId === c.traceId)));
    expect(Math.max(...carriers.map((p) => p.links.length))).toBeGreaterThan(1);
  });

  it('when a resort is read through the gateway, then the gateway and resort spans form one tree', async () => {
    const call = caller();
    const res = await fetch(`${stack.gatewayUrl}/resorts/3`, { headers: { traceparent: call.traceparent } });
    expect(res.status).toBe(200);

    await waitFor(() => traceOf(receiver, call.traceId).find('resort', 'server').length > 0, { timeoutMs: 10_000 });
    await waitFor(() => traceOf(receiver, call.traceId).find('gateway', 'server').length > 0, { timeoutMs: 10_000 });
    const t = traceOf(receiver, call.traceId);
    const gatewayServer = t.one('gateway', 'server');
    expect(gatewayServer).toMatchObject({ parentSpanId: call.spanId, name: 'GET /resorts/:resortID' });
    const gatewayClient = t.one('gateway', 'client', 'GET resort');
    expect(t.ancestors(gatewayClient)).toContain(gatewayServer.spanId);
    const resortServer = t.one('resort', 'server');
    expect(resortServer.parentSpanId).toBe(gatewayClient.spanId);
    expect(resortServer.attributes['http.response.status_code']).toBe(200);
    // The resort's guarded Postgres read nests under its server span.
    const read = t.find('resort', 'internal', 'postgres');
    expect(read.length).toBeGreaterThan(0);
    for (const span of read) expect(t.ancestors(span)).toContain(resortServer.spanId);
  });

  it('when a request has no traceparent or a malformed one, then it is answered and starts a trace of its own', async () => {
    for (const headers of [{}, { traceparent: 'not-a-traceparent' }] as Record<string, string>[]) {
      const requestId = `untraced-${randomUUID()}`;
      const res = await fetch(`${stack.gatewayUrl}/resorts/4`, { headers: { ...headers, 'x-request-id': requestId } });
      expect(res.status).toBe(200);
      const root = () =>
        receiver.spans().find((s) => s.service === 'gateway' && s.attributes['skico.request_id'] === requestId);
      await waitFor(() => root() !== undefined, { timeoutMs: 10_000, message: `the gateway span of ${requestId}` });
      expect(root()?.parentSpanId).toBeUndefined();
      await waitFor(() => traceOf(receiver, root()?.traceId ?? '').find('resort', 'server').length > 0, {
        timeoutMs: 10_000,
      });
    }
  });

  it('when health probes and metric scrapes come in, then they start no traces', async () => {
    const before = receiver.spans().length;
    // The probes are on the public listener, the metrics on the internal one.
    const probes = [`${stack.gatewayUrl}/health/ready`, `${stack.gatewayUrl}/health/live`];
    for (const url of [...probes, `${stack.opsUrlOf('gateway')}/metrics`]) {
      expect((await fetch(url, { headers: { traceparent: caller().traceparent } })).status).toBe(200);
    }
    const call = caller();
    expect((await fetch(`${stack.gatewayUrl}/resorts/5`, { headers: { traceparent: call.traceparent } })).status).toBe(
      200,
    );
    await waitFor(() => traceOf(receiver, call.traceId).find('gateway', 'server').length > 0, { timeoutMs: 10_000 });
    const since = receiver.spans().slice(before);
    expect(since.filter((s) => /health|metrics/.test(String(s.attributes['url.path'] ?? '')))).toEqual([]);
  });

  it('when a process stops gracefully, then the spans it still held are sent before it exits', async () => {
    const call = caller();
    const res = await fetch(`${stack.gatewayUrl}/skiers/${800_000 + Math.floor(Math.random() * 1000)}`, {
      headers: { traceparent: call.traceparent },
    });
    expect(res.status).toBe(404);
    await waitFor(() => traceOf(receiver, call.traceId).find('gateway', 'client', 'GET skier').length > 0, {
      timeoutMs: 10_000,
    });
    expect(traceOf(receiver, call.traceId).find('skier', 'server')).toEqual([]);

    const skier = stack.supervisor.child('skier');
    const exited = new Promise((resolve) => skier?.once('exit', resolve));
    skier?.kill('SIGTERM');
    await exited;
    const t = traceOf(receiver, call.traceId);
    const server = t.one('skier', 'server');
    expect(server).toMatchObject({ name: 'GET /skiers/:skierID', parentSpanId: t.one('gateway', 'client').spanId });
    expect(server.attributes['http.response.status_code']).toBe(404);
  });
});

describe('with tracing off (the default)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('when requests carry a traceparent, a malformed one or none, then every answer and the ride are as usual', async () => {
    const skierID = 710_000 + Math.floor(Math.random() * 1000);
    const variants: Record<string, string>[] = [
      { traceparent: caller().traceparent },
      { traceparent: 'not-a-traceparent' },
      {},
    ];
    for (const [i, headers] of variants.entries()) {
      const ride = await fetch(`${stack.gatewayUrl}${ridePath(2, skierID)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ time: 100 + i, liftID: 10 }),
      });
      expect(ride.status).toBe(201);
      expect(ride.headers.get('traceparent')).toBeNull();
      expect((await fetch(`${stack.gatewayUrl}/resorts/2`, { headers })).status).toBe(200);
    }
    // Three rides on lift 10 (100 m each) reach Postgres through the queue and the worker.
    await waitFor(
      async () => {
        const res = await fetch(`${stack.gatewayUrl}${ridePath(2, skierID)}`);
        return res.status === 200 && (await res.json()) === 300;
      },
      { timeoutMs: 15_000, message: 'the three rides counted' },
    );
  });
});
