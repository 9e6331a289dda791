-- The event table: one row per lift ride. The natural key makes a ride take effect once however often it
-- is sent or delivered: a skier cannot board the same lift twice in the same minute.
CREATE TABLE rides (
  resort_id  int      NOT NULL,
  season     smallint NOT NULL,
  day        smallint NOT NULL CHECK (day BETWEEN 1 AND 366),
  skier_id   int      NOT NULL CHECK (skier_id > 0),
  lift_id    int      NOT NULL CHECK (lift_id > 0),
  minute     smallint NOT NULL CHECK (minute BETWEEN 1 AND 1440),
  vertical_m int      NOT NULL CHECK (vertical_m >= 0),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resort_id, season, day, skier_id, lift_id, minute)
);

-- The aggregate every skier query reads: maintained in the ride insert's transaction, only for rows the
-- insert actually added.
CREATE TABLE skier_days (
  resort_id  int      NOT NULL,
  season     smallint NOT NULL,
  day        smallint NOT NULL,
  skier_id   int      NOT NULL,
  vertical_m bigint   NOT NULL,
  rides      int      NOT NULL,
  PRIMARY KEY (skier_id, resort_id, season, day)
);

-- Unique skiers per resort day: counted over skier_days by this index alone.
CREATE INDEX skier_days_by_resort_day ON skier_days (resort_id, season, day);
