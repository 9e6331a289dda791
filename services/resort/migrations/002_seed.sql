-- The course workload addresses resorts 1..10, lifts 1..40 and season 2025: a fresh system answers it at once.
INSERT INTO resorts (resort_id, name)
SELECT id, name
FROM unnest(
  ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  ARRAY['Alpine Crest', 'Bear Valley Ridge', 'Cedar Peak', 'Diamond Bowl', 'Eagle Summit',
        'Frost Hollow', 'Glacier Point', 'Hidden Basin', 'Ironwood Heights', 'Juniper Slopes']
) AS seed(id, name)
ON CONFLICT DO NOTHING;

SELECT setval(pg_get_serial_sequence('resorts', 'resort_id'), (SELECT max(resort_id) FROM resorts));

INSERT INTO seasons (resort_id, season)
SELECT r, s FROM generate_series(1, 10) AS r, unnest(ARRAY['2024', '2025']) AS s
ON CONFLICT DO NOTHING;

INSERT INTO lifts (resort_id, lift_id, name, vertical_m)
SELECT r, l, 'Lift ' || l, 10 * l FROM generate_series(1, 10) AS r, generate_series(1, 40) AS l
ON CONFLICT DO NOTHING;
