import { uniqueName } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResortHarness, startResortHarness, unknownResortID } from './harness.ts';

describe('resorts', () => {
  let h: ResortHarness;
  const resortRows = async (name: string) =>
    (await h.pool.query('SELECT resort_id, name FROM resorts WHERE name = $1', [name])).rows;
  const resortCount = async () => (await h.pool.query('SELECT count(*)::int AS n FROM resorts')).rows[0].n as number;

  beforeAll(async () => {
    h = await startResortHarness();
  });
  afterAll(() => h?.close());

  it('when resorts are listed on a seeded database, then the ten seed resorts come first, by id', async () => {
    const answer = await h.call('GET', '/resorts');
    expect(answer.status).toBe(200);
    expect(answer.body.resorts.slice(0, 10).map((r: { resortID: number }) => r.resortID)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(answer.body.resorts[0]).toEqual({ resortID: 1, resortName: 'Alpine Crest' });
  });

  it('when a resort is created, then it answers 201 with its id and Location, and the row is in Postgres', async () => {
    const name = uniqueName('Powder Ridge');
    const answer = await h.call('POST', '/resorts', { body: { resortName: `  ${name} ` } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ resortID: expect.any(Number), resortName: name });
    expect(answer.headers.get('location')).toBe(`/resorts/${answer.body.resortID}`);
    expect(await resortRows(name)).toEqual([{ resort_id: answer.body.resortID, name }]);
    const listed = await h.call('GET', '/resorts');
    expect(listed.body.resorts).toContainEqual({ resortID: answer.body.resortID, resortName: name });
  });

  it('when a resort is created with a name that is taken, then it answers 409 and adds no row', async () => {
    const name = uniqueName('Twin Peaks');
    expect((await h.call('POST', '/resorts', { body: { resortName: name } })).status).toBe(201);
    const before = await resortCount();
    const answer = await h.call('POST', '/resorts', { body: { resortName: name } });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'RESORT_NAME_TAKEN', status: 409 });
    expect(await resortRows(name)).toHaveLength(1);
    expect(await resortCount()).toBe(before);
  });

  it.each([
    ['an unknown field', { resortName: 'Extra Field Resort', owner: 'me' }, ''],
    ['no name', {}, 'resortName'],
    ['a blank name', { resortName: '   ' }, 'resortName'],
    ['a name too long', { resortName: 'x'.repeat(201) }, 'resortName'],
    ['a number for the name', { resortName: 42 }, 'resortName'],
  ])(
    'when a resort is created with %s, then it answers 400 naming the field and adds no row',
    async (_case, body, field) => {
      const before = await resortCount();
      const answer = await h.call('POST', '/resorts', { body });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('INVALID_REQUEST');
      expect(answer.body.errors[0]).toMatchObject({ in: 'body', field: field || 'body' });
      if (!field) expect(answer.body.errors[0].message).toMatch(/owner/);
      expect(await resortCount()).toBe(before);
    },
  );

  it('when the body is not JSON, then it answers 400 and adds no row', async () => {
    const before = await resortCount();
    const response = await fetch(`${h.url}/resorts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resortName": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(await resortCount()).toBe(before);
  });

  it('when a seed resort is read, then it comes with seasons 2024 and 2025 and 40 lifts of 10 × liftID metres', async () => {
    const answer = await h.call('GET', '/resorts/1');
    expect(answer.status).toBe(200);
    expect(answer.body.resortID).toBe(1);
    expect(answer.body.resortName).toBe('Alpine Crest');
    expect(answer.body.seasons).toEqual(['2024', '2025']);
    expect(answer.body.lifts).toHaveLength(40);
    expect(answer.body.lifts[0]).toEqual({ liftID: 1, name: 'Lift 1', verticalRise: 10 });
    expect(answer.body.lifts[39]).toEqual({ liftID: 40, name: 'Lift 40', verticalRise: 400 });
  });

  it('when a new resort is read, then it has no seasons and no lifts', async () => {
    const resortID = await h.newResort();
    const answer = await h.call('GET', `/resorts/${resortID}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ resortID, resortName: expect.any(String), seasons: [], lifts: [] });
  });

  it('when an unknown resort is read, then it answers 404 RESORT_NOT_FOUND', async () => {
    const answer = await h.call('GET', `/resorts/${unknownResortID}`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ code: 'RESORT_NOT_FOUND', status: 404, message: expect.any(String) });
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '2147483648'])(
    'when the resort id is %s, then it answers 400 naming resortID',
    async (resortID) => {
      const answer = await h.call('GET', `/resorts/${resortID}`);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ in: 'path', field: 'resortID' });
    },
  );
});
