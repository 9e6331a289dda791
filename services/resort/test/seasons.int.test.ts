import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResortHarness, startResortHarness, unknownResortID } from './harness.ts';

describe('seasons', () => {
  let h: ResortHarness;
  const seasonRows = async (resortID: number) =>
    (await h.pool.query('SELECT season FROM seasons WHERE resort_id = $1 ORDER BY season', [resortID])).rows.map(
      (r) => r.season as string,
    );
  const seasonCount = async () => (await h.pool.query('SELECT count(*)::int AS n FROM seasons')).rows[0].n as number;

  beforeAll(async () => {
    h = await startResortHarness();
  });
  afterAll(() => h?.close());

  it('when the seasons of a seed resort are listed, then they are 2024 and 2025', async () => {
    const answer = await h.call('GET', '/resorts/3/seasons');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ seasons: ['2024', '2025'] });
  });

  it('when the seasons of a new resort are listed, then the list is empty', async () => {
    const resortID = await h.newResort();
    expect((await h.call('GET', `/resorts/${resortID}/seasons`)).body).toEqual({ seasons: [] });
  });

  it('when the seasons of an unknown resort are listed, then it answers 404 RESORT_NOT_FOUND', async () => {
    const answer = await h.call('GET', `/resorts/${unknownResortID}/seasons`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('RESORT_NOT_FOUND');
  });

  it('when a season is added, then it answers 201, the row is in Postgres and the list shows it in order', async () => {
    const resortID = await h.newResort();
    expect((await h.call('POST', `/resorts/${resortID}/seasons`, { body: { year: '2026' } })).status).toBe(201);
    const answer = await h.call('POST', `/resorts/${resortID}/seasons`, { body: { year: '2025' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ resortID, seasonID: '2025' });
    expect(await seasonRows(resortID)).toEqual(['2025', '2026']);
    expect((await h.call('GET', `/resorts/${resortID}/seasons`)).body).toEqual({ seasons: ['2025', '2026'] });
    expect((await h.call('GET', `/resorts/${resortID}`)).body.seasons).toEqual(['2025', '2026']);
  });

  it('when a season the resort already has is added again, then it answers 201 and keeps one row', async () => {
    const resortID = await h.newResort();
    const first = await h.call('POST', `/resorts/${resortID}/seasons`, { body: { year: '2027' } });
    const again = await h.call('POST', `/resorts/${resortID}/seasons`, { body: { year: '2027' } });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await seasonRows(resortID)).toEqual(['2027']);
  });

  it('when the body carries fields beyond year, then they are ignored as the course contract has it', async () => {
    const resortID = await h.newResort();
    const answer = await h.call('POST', `/resorts/${resortID}/seasons`, { body: { year: '2028', note: 'x' } });
    expect(answer.status).toBe(201);
    expect(await seasonRows(resortID)).toEqual(['2028']);
  });

  it.each([
    ['a 2-digit year', { year: '26' }],
    ['a number for the year', { year: 2026 }],
    ['a year with letters', { year: '20a6' }],
    ['no year', {}],
  ])('when a season is added with %s, then it answers 400 naming year and adds no row', async (_case, body) => {
    const resortID = await h.newResort();
    const answer = await h.call('POST', `/resorts/${resortID}/seasons`, { body });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ in: 'body', field: 'year' });
    expect(await seasonRows(resortID)).toEqual([]);
  });

  it('when a season is added to an unknown resort, then it answers 404 and adds no row', async () => {
    const before = await seasonCount();
    const answer = await h.call('POST', `/resorts/${unknownResortID}/seasons`, { body: { year: '2026' } });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('RESORT_NOT_FOUND');
    expect(await seasonCount()).toBe(before);
  });

  it('when a season is added under a malformed resort id, then it answers 400 naming resortID and adds no row', async () => {
    const before = await seasonCount();
    const answer = await h.call('POST', '/resorts/abc/seasons', { body: { year: '2026' } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ in: 'path', field: 'resortID' });
    expect(await seasonCount()).toBe(before);
  });
});
