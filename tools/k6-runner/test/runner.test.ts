import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../src/index.ts';

// The runner against a tiny local server: k6 semantics of http, checks, metrics and thresholds, and a
// loud refusal of everything it does not implement. Scripts are written to a temporary directory.

let server: Server;
let base: string;
let dir: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hello') {
      seen.push(`vu=${req.headers['x-vu']} iter=${req.headers['x-iter']} env=${req.headers['x-env']}`);
      res.writeHead(200, { 'content-type': 'application/json', 'x-custom-thing': 'yes' });
      return void res.end(JSON.stringify({ hello: 'world' }));
    }
    if (req.url === '/echo' && req.method === 'POST') {
      res.writeHead(201, { 'content-type': 'application/json' });
      return void req.pipe(res);
    }
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 400);
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'k6-runner-'));
  writeFileSync(join(dir, 'lib.js'), 'export const BASE = __ENV.BASE;\n');
});

afterAll(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let scripts = 0;
function script(source: string): string {
  const file = join(dir, `script-${++scripts}.js`);
  writeFileSync(file, source);
  return file;
}

const ONE_ITERATION = `export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } };`;

const FULL = `
import { check, sleep } from 'k6';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import { BASE } from './lib.js';

const posted = new Counter('posted');
const timedOut = new Rate('timed_out');
const echoTime = new Trend('echo_time', true);
const NOT_FOUND_IS_FINE = http.expectedStatuses(200, { min: 404, max: 404 });

export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } },
  thresholds: {
    iterations: ['count==6'],
    checks: ['rate==1'],
    posted: ['count==6'],
    timed_out: ['rate==1'],
    echo_time: ['max<5000'],
    http_req_failed: ['rate==0.1'],
    http_req_duration: ['max<0'],
  },
};

export default function () {
  const hello = http.get(BASE + '/hello', {
    headers: { 'X-VU': String(__VU), 'X-Iter': String(__ITER), 'X-Env': __ENV.GREETING },
    tags: { name: 'hello' },
  });
  check(hello, {
    'hello is 200': (r) => r.status === 200,
    'headers are canonical': (r) => r.headers['X-Custom-Thing'] === 'yes' && r.headers['Content-Type'] === 'application/json',
    'json() parses the body': (r) => r.json().hello === 'world',
    'timings.duration is positive': (r) => r.timings.duration > 0,
  });
  const body = JSON.stringify({ n: __ITER });
  const echo = http.post(BASE + '/echo', body, { headers: { 'Content-Type': 'application/json' } });
  posted.add(1);
  echoTime.add(echo.timings.duration);
  check(echo, { 'echo is 201 with the body': (r) => r.status === 201 && r.body === body });
  const missing = http.get(BASE + '/missing', { responseCallback: NOT_FOUND_IS_FINE });
  check(missing, { 'missing is 404': (r) => r.status === 404 });
  if (__ITER === 0) timedOut.add(http.get(BASE + '/slow', { timeout: '100ms' }).status === 0);
  sleep(0.01);
}
`;

describe('runScript against a local server', () => {
  it('when a script uses the implemented API, then it behaves as in k6 and every threshold is evaluated', async () => {
    const result = await runScript(script(FULL), { env: { BASE: base, GREETING: 'hi' } });

    expect(seen.sort()).toEqual([1, 2].flatMap((vu) => [0, 1, 2].map((iter) => `vu=${vu} iter=${iter} env=hi`)));
    expect(result.iterations).toEqual({ completed: 6, interrupted: 0 });
    expect(result.iterationErrors).toEqual([]);
    expect(result.checks.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['hello is 200', 6, 0],
      ['headers are canonical', 6, 0],
      ['json() parses the body', 6, 0],
      ['timings.duration is positive', 6, 0],
      ['echo is 201 with the body', 6, 0],
      ['missing is 404', 6, 0],
    ]);
    // 20 requests, of which the two timed-out ones failed; the 404s were declared expected.
    expect(result.requestErrors).toEqual([{ message: 'request timeout', count: 2, example: `GET ${base}/slow` }]);
    expect(Object.fromEntries(result.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]))).toEqual({
      'iterations count==6': true,
      'checks rate==1': true,
      'posted count==6': true,
      'timed_out rate==1': true,
      'echo_time max<5000': true,
      'http_req_failed rate==0.1': true,
      'http_req_duration max<0': false,
    });
    expect(result.passed).toBe(false);
    expect(result.metrics.find((m) => m.name === 'http_reqs')?.values.count).toBe(20);
    expect(result.metrics.find((m) => m.name === 'echo_time')).toMatchObject({
      type: 'trend',
      isTime: true,
      samples: 6,
    });
  });

  it('when a ramping or arrival-rate scenario runs, then its VUs and iterations are real', async () => {
    const source = `
import http from 'k6/http';
export const options = {
  scenarios: {
    ramp: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '300ms', target: 3 }, { duration: '200ms', target: 0 }], gracefulRampDown: '1s' },
    rate: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '500ms', preAllocatedVUs: 2 },
  },
  thresholds: { iterations: ['count>10'] },
};
export default function () { http.get(__ENV.BASE + '/hello', { headers: { 'X-VU': String(__VU) } }); }
`;
    seen.length = 0;
    const result = await runScript(script(source), { env: { BASE: base } });
    expect(result.iterationErrors).toEqual([]);
    expect(result.thresholds.filter((t) => !t.ok)).toEqual([]);
    // VUs 1..3 belong to the ramping scenario, 4 and 5 to the arrival-rate one, which needs only one of
    // them while answers come quickly.
    const vus = seen.map((s) => s.split(' ')[0] ?? '');
    for (const vu of ['vu=1', 'vu=2', 'vu=3', 'vu=4']) expect(vus).toContain(vu);
    expect(vus.every((vu) => /^vu=[1-5]$/.test(vu))).toBe(true);
    // 20 arrivals a second for 500 ms: ten, each started or, when both of its VUs were busy (a slow or
    // stalled machine), dropped. Never lost, never doubled.
    const rateIterations = vus.filter((vu) => vu === 'vu=4' || vu === 'vu=5').length;
    const dropped = result.metrics.find((m) => m.name === 'dropped_iterations')?.values.count ?? 0;
    expect(rateIterations + dropped).toBe(10);
  });
});

describe('runScript refuses what it does not implement', () => {
  const refused: [string, string, RegExp][] = [
    [
      'a k6 export it lacks',
      `import { group } from 'k6';\n${ONE_ITERATION}\nexport default function () {}`,
      /export named 'group'/,
    ],
    [
      "k6's default export",
      `import k6 from 'k6';\n${ONE_ITERATION}\nexport default function () {}`,
      /export named 'default'/,
    ],
    [
      'a k6 module it lacks',
      `import ws from 'k6/ws';\n${ONE_ITERATION}\nexport default function () {}`,
      /module "k6\/ws"/,
    ],
    [
      'a Node module',
      `import { readFileSync } from 'node:fs';\n${ONE_ITERATION}\nexport default function () {}`,
      /module "node:fs"/,
    ],
    [
      'Gauge',
      `import { Gauge } from 'k6/metrics';\n${ONE_ITERATION}\nexport default function () {}`,
      /export named 'Gauge'/,
    ],
    [
      'HTTP in the init context',
      `import http from 'k6/http';\nhttp.get('http://127.0.0.1:1/');\n${ONE_ITERATION}\nexport default function () {}`,
      /not allowed in the init context/,
    ],
    ['setup()', `${ONE_ITERATION}\nexport function setup() {}\nexport default function () {}`, /setup\(\) export/],
    [
      'an executor it lacks',
      `export const options = { scenarios: { s: { executor: 'shared-iterations', iterations: 1 } } };\nexport default function () {}`,
      /executor "shared-iterations"/,
    ],
    [
      'a threshold on a metric that does not exist',
      `export const options = { scenarios: { s: { executor: 'per-vu-iterations' } }, thresholds: { vus: ['value<2'] } };\nexport default function () {}`,
      /threshold expression "value<2"/,
    ],
    [
      'a threshold on an unknown metric',
      `export const options = { scenarios: { s: { executor: 'per-vu-iterations' } }, thresholds: { typo: ['rate<1'] } };\nexport default function () {}`,
      /metric typo, which does not exist/,
    ],
    [
      'an aggregation the metric lacks',
      `export const options = { scenarios: { s: { executor: 'per-vu-iterations' } }, thresholds: { checks: ['p(95)<1'] } };\nexport default function () {}`,
      /a rate offers rate/,
    ],
    [
      'an exec the script lacks',
      `export const options = { scenarios: { s: { executor: 'per-vu-iterations', exec: 'browse' } } };\nexport default function () {}`,
      /runs browse, which the script does not export/,
    ],
  ];
  it.each(refused)('when a script uses %s, then the run fails before it starts', async (_what, source, message) => {
    await expect(runScript(script(source), { env: { BASE: base } })).rejects.toThrow(message);
  });

  const failing: [string, string, RegExp][] = [
    ['http.batch', `http.batch([BASE + '/hello']);`, /does not implement http\.batch/],
    ['a response property it lacks', `http.get(BASE + '/hello').cookies;`, /does not implement response\.cookies/],
    ['an http param it lacks', `http.get(BASE + '/hello', { redirects: 0 });`, /http param "redirects"/],
    ['an unparsable timeout', `http.get(BASE + '/hello', { timeout: 'soon' });`, /timeout param "soon"/],
    ['a check that is not a function', `check(1, { 'is one': true });`, /check "is one" that is not a function/],
    ['a metric declared in VU code', `new Trend('late');`, /only allowed in the init context/],
    ['json(selector)', `http.get(BASE + '/hello').json('hello');`, /response\.json\(selector\)/],
  ];
  it.each(failing)(
    'when an iteration uses %s, then the iteration fails with an error naming it',
    async (_what, line, message) => {
      const source = `import { check } from 'k6';\nimport http from 'k6/http';\nimport { Trend } from 'k6/metrics';\nconst BASE = __ENV.BASE;\n${ONE_ITERATION}\nexport default function () { ${line} }`;
      const result = await runScript(script(source), { env: { BASE: base } });
      expect(result.iterationErrors).toHaveLength(1);
      expect(result.iterationErrors[0]?.message).toMatch(message);
    },
  );

  it('when the default function is async, then the iteration fails saying so', async () => {
    const result = await runScript(script(`${ONE_ITERATION}\nexport default async function () {}`));
    expect(result.iterationErrors[0]?.message).toMatch(/async VU functions/);
  });
});
