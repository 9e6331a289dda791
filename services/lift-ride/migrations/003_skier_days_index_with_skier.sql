-- The resort-day index ends with the skier, so that it serves a skier's day lookup (the day-vertical read)
-- as exactly as the primary key does. Without planner statistics (a new or fast-growing table before its
-- first ANALYZE) Postgres chose the three-column index for that lookup and read every skier of the resort
-- day to find one: 10 ms instead of 0.05 ms at 14,000 skiers a day.
DROP INDEX skier_days_by_resort_day;
CREATE INDEX skier_days_by_resort_day ON skier_days (resort_id, season, day, skier_id);
