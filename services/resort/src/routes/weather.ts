import { getOperation, type OperationOf } from '@skico/contracts';
import { type Handlers, headerOf, sendJson } from '@skico/http';
import type { WeatherRepository } from '../data/weather-repository.ts';
import { resortNotFound, weatherNotPublished } from '../domain/errors.ts';
import { ifNoneMatchHits, weatherEtag } from '../domain/etag.ts';

// The contract says how long clients and the gateway may keep a report.
const cacheControl = `max-age=${getOperation('getWeather').cacheMaxAgeSeconds ?? 60}`;

export function weatherHandlers(deps: {
  weather: WeatherRepository;
}): Handlers<OperationOf<'resort', 'getWeather' | 'putWeather'>> {
  return {
    getWeather: async (req, res) => {
      const { resortID } = req.params;
      const current = await deps.weather.current(resortID);
      if (current.kind === 'no-resort') throw resortNotFound(resortID);
      if (current.kind === 'no-report') throw weatherNotPublished(resortID);
      const etag = weatherEtag(resortID, current.report.version);
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', cacheControl);
      if (ifNoneMatchHits(headerOf(req, 'if-none-match'), etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      sendJson(res, 200, current.report);
    },

    putWeather: async ({ params: { resortID }, body }, res) => {
      const report = await deps.weather.publish(resortID, body);
      if (!report) throw resortNotFound(resortID);
      res.setHeader('ETag', weatherEtag(resortID, report.version));
      sendJson(res, 200, report);
    },
  };
}
