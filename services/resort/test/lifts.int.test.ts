import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResortHarness, startResortHarness, unknownResortID } from './harness.ts';

describe('lifts', () => {
  let h: ResortHarness;
  const liftRows = async (resortID: number) =>
    (
      await h.pool.query('SELECT lift_id, name, vertical_m FROM lifts WHERE resort_id = $1 ORDER BY lift_id', [
        resortID,
      ])
    ).rows;
  const liftCount = async () => (await h.pool.query('SELECT count(*)::int AS n FROM lifts')).rows[0].n as number;

  beforeAll(async () => {
    h = await startResortHarness();
  });
  afterAll(() => h?.close());

  it('when the lifts of a seed resort are listed, then there are 40 by id with 10 × liftID metres', async () => {
    const answer = await h.call('GET', '/resorts/2/lifts');
    expect(answer.status).toBe(200);
    expect(answer.body.resortID).toBe(2);
    expect(answer.body.lifts).toHaveLength(40);
    for (const [i, lift] of answer.body.lifts.entries()) {
      expect(lift).toEqual({ liftID: i + 1, name: `Lift ${i + 1}`, verticalRise: 10 * (i + 1) });
    }
  });

  it('when the lifts of a new resort are listed, then the list is empty', async () => {
    const resortID = await h.newResort();
    expect((await h.call('GET', `/resorts/${resortID}/lifts`)).body).toEqual({ resortID, lifts: [] });
  });

  it('when the lifts of an unknown resort are listed, then it answers 404 RESORT_NOT_FOUND', async () => {
    const answer = await h.call('GET', `/resorts/${unknownResortID}/lifts`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('RESORT_NOT_FOUND');
  });

  it('when a new lift is put, then it answers 201 with Location and the row is in Postgres', async () => {
    const resortID = await h.newResort();
    const answer = await h.call('PUT', `/resorts/${resortID}/lifts/7`, {
      body: { name: ' Summit Express ', verticalRise: 350 },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ liftID: 7, name: 'Summit Express', verticalRise: 350 });
    expect(answer.headers.get('location')).toBe(`/resorts/${resortID}/lifts/7`);
    expect(await liftRows(resortID)).toEqual([{ lift_id: 7, name: 'Summit Express', vertical_m: 350 }]);
  });

  it('when an existing lift is put, then it answers 200, the row is replaced and the resort shows the new rise', async () => {
    const resortID = await h.newResort();
    await h.call('PUT', `/resorts/${resortID}/lifts/3`, { body: { name: 'Old Chair', verticalRise: 120 } });
    const answer = await h.call('PUT', `/resorts/${resortID}/lifts/3`, {
      body: { name: 'New Chair', verticalRise: 0 },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('location')).toBeNull();
    expect(answer.body).toEqual({ liftID: 3, name: 'New Chair', verticalRise: 0 });
    expect(await liftRows(resortID)).toEqual([{ lift_id: 3, name: 'New Chair', vertical_m: 0 }]);
    expect((await h.call('GET', `/resorts/${resortID}`)).body.lifts).toEqual([answer.body]);
    expect((await h.call('GET', `/resorts/${resortID}/lifts`)).body.lifts).toEqual([answer.body]);
  });

  it('when a lift is put for an unknown resort, then it answers 404 and adds no row', async () => {
    const before = await liftCount();
    const answer = await h.call('PUT', `/resorts/${unknownResortID}/lifts/1`, {
      body: { name: 'Ghost Lift', verticalRise: 10 },
    });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('RESORT_NOT_FOUND');
    expect(await liftCount()).toBe(before);
  });

  it.each([
    ['an unknown field', { name: 'Chair', verticalRise: 10, speed: 5 }, 'body'],
    ['no name', { verticalRise: 10 }, 'name'],
    ['a negative rise', { name: 'Chair', verticalRise: -1 }, 'verticalRise'],
    ['a fractional rise', { name: 'Chair', verticalRise: 10.5 }, 'verticalRise'],
    ['a rise above 10 000 m', { name: 'Chair', verticalRise: 10_001 }, 'verticalRise'],
    ['a string for the rise', { name: 'Chair', verticalRise: '10' }, 'verticalRise'],
  ])(
    'when a lift is put with %s, then it answers 400 naming the field and leaves the lift as it was',
    async (_case, body, field) => {
      const resortID = await h.newResort();
      await h.call('PUT', `/resorts/${resortID}/lifts/1`, { body: { name: 'Chair', verticalRise: 100 } });
      const answer = await h.call('PUT', `/resorts/${resortID}/lifts/1`, { body });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ in: 'body', field });
      expect(await liftRows(resortID)).toEqual([{ lift_id: 1, name: 'Chair', vertical_m: 100 }]);
    },
  );

  it.each(['0', 'abc', '2147483648'])(
    'when a lift is put under lift id %s, then it answers 400 naming liftID and adds no row',
    async (liftID) => {
      const resortID = await h.newResort();
      const answer = await h.call('PUT', `/resorts/${resortID}/lifts/${liftID}`, {
        body: { name: 'Chair', verticalRise: 10 },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ in: 'path', field: 'liftID' });
      expect(await liftRows(resortID)).toEqual([]);
    },
  );
});
