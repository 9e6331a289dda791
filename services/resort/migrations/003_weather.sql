-- Every published weather report is kept (history is cheap and helps explain a past day); the current report
-- of a resort is its highest version, which the primary key's index finds without a scan.
CREATE TABLE weather_reports (
  resort_id     int              NOT NULL REFERENCES resorts ON DELETE CASCADE,
  version       int              NOT NULL CHECK (version > 0),
  published_at  timestamptz      NOT NULL DEFAULT now(),
  summary       text             NOT NULL CHECK (length(summary) BETWEEN 1 AND 500),
  conditions    text             NOT NULL CHECK (conditions IN ('clear', 'cloudy', 'snowing', 'raining', 'fog', 'storm')),
  temperature_c double precision NOT NULL CHECK (temperature_c BETWEEN -60 AND 50),
  snow_depth_cm int              NOT NULL CHECK (snow_depth_cm BETWEEN 0 AND 2000),
  new_snow_cm   int              NOT NULL CHECK (new_snow_cm BETWEEN 0 AND 500),
  wind_kph      double precision NOT NULL CHECK (wind_kph BETWEEN 0 AND 300),
  PRIMARY KEY (resort_id, version)
);
