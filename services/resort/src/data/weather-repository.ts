import type { WeatherPutBody, WeatherReport } from '@skico/contracts';
import { type Pool, withTransaction } from '@skico/pg';

/** The current report; `no-resort` and `no-report` tell the two reasons there is none apart. */
export type CurrentWeather = { kind: 'report'; report: WeatherReport } | { kind: 'no-resort' } | { kind: 'no-report' };

type Nullable<T> = { [K in keyof T]: T[K] | null };

interface ReportRow extends Omit<WeatherReport, 'publishedAt'> {
  publishedAt: Date;
}

const reportColumns = `resort_id AS "resortID", version, published_at AS "publishedAt", summary, conditions,
  temperature_c AS "temperatureC", snow_depth_cm AS "snowDepthCm", new_snow_cm AS "newSnowCm", wind_kph AS "windKph"`;

const toReport = ({ publishedAt, ...row }: ReportRow): WeatherReport => ({
  ...row,
  publishedAt: publishedAt.toISOString(),
});

export function createWeatherRepository(pool: Pool) {
  return {
    async current(resortID: number): Promise<CurrentWeather> {
      // One query answers both questions: does the resort exist (a row), and has it a report (non-null columns).
      const { rows } = await pool.query<Nullable<ReportRow>>(
        `SELECT w.* FROM resorts r
         LEFT JOIN LATERAL (SELECT ${reportColumns} FROM weather_reports
                            WHERE resort_id = r.resort_id ORDER BY version DESC LIMIT 1) w ON true
         WHERE r.resort_id = $1`,
        [resortID],
      );
      const row = rows[0];
      if (!row) return { kind: 'no-resort' };
      if (row.version === null) return { kind: 'no-report' };
      return { kind: 'report', report: toReport(row as ReportRow) };
    },

    /** Publishes the next version of the resort's report; undefined when the resort does not exist. */
    async publish(resortID: number, body: WeatherPutBody): Promise<WeatherReport | undefined> {
      return withTransaction(pool, async (client) => {
        // Locking the resort row serialises publishers of one resort, so that versions never collide.
        const resort = await client.query('SELECT 1 FROM resorts WHERE resort_id = $1 FOR NO KEY UPDATE', [resortID]);
        if (resort.rowCount === 0) return undefined;
        const { rows } = await client.query<ReportRow>(
          `INSERT INTO weather_reports
             (resort_id, version, summary, conditions, temperature_c, snow_depth_cm, new_snow_cm, wind_kph)
           SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7 FROM weather_reports WHERE resort_id = $1
           RETURNING ${reportColumns}`,
          [resortID, body.summary, body.conditions, body.temperatureC, body.snowDepthCm, body.newSnowCm, body.windKph],
        );
        const row = rows[0];
        if (!row) throw new Error('weather insert returned no row');
        return toReport(row);
      });
    },
  };
}

export type WeatherRepository = ReturnType<typeof createWeatherRepository>;
