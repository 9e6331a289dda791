import { z } from 'zod';
import { count, positiveInt32 } from '../fields.ts';

export const weatherConditions = z.enum(['clear', 'cloudy', 'snowing', 'raining', 'fog', 'storm']);

/** PUT /resorts/{resortID}/weather (admin): publishes a new version of today's report. */
export const weatherPutBody = z.strictObject({
  summary: z.string().trim().min(1).max(500).meta({ example: 'Fresh powder, light wind on the upper lifts.' }),
  conditions: weatherConditions,
  temperatureC: z.number().min(-60).max(50).meta({ description: 'Air temperature at the base, °C.' }),
  snowDepthCm: z.int().min(0).max(2000).meta({ description: 'Snow depth at the base, cm.' }),
  newSnowCm: z.int().min(0).max(500).default(0).meta({ description: 'Snow fallen in the last 24 h, cm.' }),
  windKph: z.number().min(0).max(300).meta({ description: 'Wind speed at the summit, km/h.' }),
});

/** GET /resorts/{resortID}/weather: the current report, served with an ETag that is its version. */
export const weatherReport = z.object({
  resortID: positiveInt32('The resort.'),
  version: positiveInt32('Increases with every published report; the ETag is derived from it.'),
  publishedAt: z.iso.datetime({ offset: true }),
  summary: z.string(),
  conditions: weatherConditions,
  temperatureC: z.number(),
  snowDepthCm: count('Snow depth at the base, cm.'),
  newSnowCm: count('Snow fallen in the last 24 h, cm.'),
  windKph: z.number().min(0),
});

export type WeatherReport = z.infer<typeof weatherReport>;
export type WeatherPutBody = z.infer<typeof weatherPutBody>;
