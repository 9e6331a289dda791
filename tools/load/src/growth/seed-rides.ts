import type pg from 'pg';

/**
 * Adds `count` synthetic rides to the lift_ride schema straight in SQL (no API, no queue): a fast way to
 * a large table. Rides spread over resorts 1..10, seasons 2023..2025, days 1..120, lifts 1..40 and
 * minutes 1..360, for `skiers` skiers; values come from a hash of the row number, so a seed run is
 * repeatable. Natural-key collisions are skipped. The skier-day aggregates are rebuilt afterwards.
 */
export async function seedRides(
  client: pg.Client,
  options: { count: number; skiers: number; chunk?: number; from?: number },
) {
  const chunk = options.chunk ?? 500_000;
  const from = options.from ?? 0;
  for (let start = from; start < from + options.count; start += chunk) {
    const end = Math.min(from + options.count, start + chunk);
    await client.query(
      `INSERT INTO rides (resort_id, season, day, skier_id, lift_id, minute, vertical_m)
       SELECT 1 + h % 10, 2023 + (h / 10) % 3, 1 + (h / 30) % 120, 1 + (h / 3600) % $3::bigint,
              1 + (h / 7) % 40, 1 + (h / 13) % 360, 10 * (1 + (h / 7) % 40)
       FROM (SELECT abs(hashtextextended(i::text, 42)) AS h FROM generate_series($1::bigint, $2::bigint - 1) AS i) AS g
       ON CONFLICT DO NOTHING`,
      [start, end, options.skiers],
    );
  }
  await client.query('TRUNCATE skier_days');
  await client.query(
    `INSERT INTO skier_days (skier_id, resort_id, season, day, vertical_m, rides)
     SELECT skier_id, resort_id, season, day, sum(vertical_m), count(*) FROM rides GROUP BY 1, 2, 3, 4`,
  );
  // What autovacuum does on a live system: statistics, and the visibility map that index-only scans need.
  await client.query('VACUUM (ANALYZE) rides');
  await client.query('VACUUM (ANALYZE) skier_days');
  const { rows } = await client.query('SELECT count(*)::bigint AS n FROM rides');
  return Number(rows[0].n);
}
