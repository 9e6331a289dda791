-- Serves the wait-time estimate: the rides of one resort day within a window of minutes, per lift.
CREATE INDEX rides_by_resort_day_minute ON rides (resort_id, season, day, minute) INCLUDE (lift_id);
