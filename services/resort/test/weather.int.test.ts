import type { WeatherPutBody } from '@skico/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResortHarness, startResortHarness, unknownResortID } from './harness.ts';

const report: WeatherPutBody = {
  summary: 'Fresh powder, light wind on the upper lifts.',
  conditions: 'snowing',
  temperatureC: -7.5,
  snowDepthCm: 180,
  newSnowCm: 25,
  windKph: 12.5,
};

describe('weather', () => {
  let h: ResortHarness;
  const versions = async (resortID: number) =>
    (
      await h.pool.query('SELECT version FROM weather_reports WHERE resort_id = $1 ORDER BY version', [resortID])
    ).rows.map((r) => r.version as number);
  const publish = (resortID: number, body: unknown = report) => h.call('PUT', `/resorts/${resortID}/weather`, { body });

  beforeAll(async () => {
    h = await startResortHarness();
  });
  afterAll(() => h?.close());

  it('when a report is published, then it answers 200 with version 1 and an ETag, and the row is in Postgres', async () => {
    const resortID = await h.newResort();
    const answer = await publish(resortID);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ resortID, version: 1, publishedAt: expect.any(String), ...report });
    expect(answer.headers.get('etag')).toMatch(/^"[^"]+"$/);
    const { rows } = await h.pool.query('SELECT * FROM weather_reports WHERE resort_id = $1', [resortID]);
    expect(rows).toEqual([
      {
        resort_id: resortID,
        version: 1,
        published_at: new Date(answer.body.publishedAt),
        summary: report.summary,
        conditions: 'snowing',
        temperature_c: -7.5,
        snow_depth_cm: 180,
        new_snow_cm: 25,
        wind_kph: 12.5,
      },
    ]);
  });

  it('when the report is read, then it is the published one with the same ETag and Cache-Control max-age', async () => {
    const resortID = await h.newResort();
    const published = await publish(resortID);
    const answer = await h.call('GET', `/resorts/${resortID}/weather`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(published.body);
    expect(answer.headers.get('etag')).toBe(published.headers.get('etag'));
    expect(answer.headers.get('cache-control')).toBe('max-age=60');
  });

  it('when a report is published again, then the version and the ETag change, history is kept and reads see the new one', async () => {
    const resortID = await h.newResort();
    const first = await publish(resortID);
    const second = await publish(resortID, { ...report, conditions: 'clear', newSnowCm: 0, summary: 'Bluebird day.' });
    expect(second.status).toBe(200);
    expect(second.body.version).toBe(2);
    expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(await versions(resortID)).toEqual([1, 2]);
    const read = await h.call('GET', `/resorts/${resortID}/weather`);
    expect(read.body).toEqual(second.body);
    expect(read.headers.get('etag')).toBe(second.headers.get('etag'));
  });

  it('when If-None-Match carries the current ETag, then it answers 304 with no body and the caching headers', async () => {
    const resortID = await h.newResort();
    const etag = (await publish(resortID)).headers.get('etag') ?? '';
    const answer = await h.call('GET', `/resorts/${resortID}/weather`, { headers: { 'If-None-Match': etag } });
    expect(answer.status).toBe(304);
    expect(answer.text).toBe('');
    expect(answer.headers.get('etag')).toBe(etag);
    expect(answer.headers.get('cache-control')).toBe('max-age=60');
  });

  it('when If-None-Match carries an old ETag, then it answers 200 with the current report', async () => {
    const resortID = await h.newResort();
    const old = (await publish(resortID)).headers.get('etag') ?? '';
    const current = await publish(resortID, { ...report, temperatureC: 2 });
    const answer = await h.call('GET', `/resorts/${resortID}/weather`, { headers: { 'If-None-Match': old } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(current.body);
    expect(answer.headers.get('etag')).toBe(current.headers.get('etag'));
  });

  it('when several reports are published at once, then each gets its own consecutive version', async () => {
    const resortID = await h.newResort();
    const answers = await Promise.all(Array.from({ length: 8 }, () => publish(resortID)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await versions(resortID)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('when newSnowCm is left out, then the report has 0', async () => {
    const resortID = await h.newResort();
    const { newSnowCm: _, ...withoutNewSnow } = report;
    expect((await publish(resortID, withoutNewSnow)).body.newSnowCm).toBe(0);
  });

  it('when a resort has no report yet, then reading it answers 404 WEATHER_NOT_PUBLISHED', async () => {
    const resortID = await h.newResort();
    const answer = await h.call('GET', `/resorts/${resortID}/weather`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('WEATHER_NOT_PUBLISHED');
    expect(answer.headers.get('etag')).toBeNull();
  });

  it('when the resort is unknown, then reading its weather answers 404 RESORT_NOT_FOUND', async () => {
    const answer = await h.call('GET', `/resorts/${unknownResortID}/weather`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('RESORT_NOT_FOUND');
  });

  it('when a report is published for an unknown resort, then it answers 404 and stores nothing', async () => {
    const answer = await publish(unknownResortID);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('RESORT_NOT_FOUND');
    expect(await versions(unknownResortID)).toEqual([]);
  });

  it.each([
    ['an unknown field', { ...report, humidity: 80 }, 'body'],
    ['unknown conditions', { ...report, conditions: 'hail' }, 'conditions'],
    ['a temperature below -60 °C', { ...report, temperatureC: -61 }, 'temperatureC'],
    ['a fractional snow depth', { ...report, snowDepthCm: 10.5 }, 'snowDepthCm'],
    ['a negative wind', { ...report, windKph: -1 }, 'windKph'],
    ['an empty summary', { ...report, summary: '' }, 'summary'],
  ])(
    'when a report is published with %s, then it answers 400 naming the field and the version stays',
    async (_case, body, field) => {
      const resortID = await h.newResort();
      const etag = (await publish(resortID)).headers.get('etag');
      const answer = await publish(resortID, body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ in: 'body', field });
      expect(await versions(resortID)).toEqual([1]);
      expect((await h.call('GET', `/resorts/${resortID}/weather`)).headers.get('etag')).toBe(etag);
    },
  );

  it('when the resort id is malformed, then reading and publishing answer 400 naming resortID', async () => {
    expect((await h.call('GET', '/resorts/x/weather')).body.errors[0]).toMatchObject({ field: 'resortID' });
    expect((await publish(0 as number)).body.errors[0]).toMatchObject({ field: 'resortID' });
  });
});
