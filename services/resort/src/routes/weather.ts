import { getOperation, resortParams, weatherPutBody } from '@skico/contracts';
import { type DirectHandler, headerOf, jsonOf, parseRequest, sendJson } from '@skico/http';
import type { WeatherRepository } from '../data/weather-repository.ts';
import { resortNotFound, weatherNotPublished } from '../domain/errors.ts';
import { ifNoneMatchHits, weatherEtag } from '../domain/etag.ts';

// The contract says how long clients and the gateway may keep a report.
const cacheControl = `max-age=${getOperation('getWeather').cacheMaxAgeSeconds ?? 60}`;

export function weatherHandlers(deps: { weather: WeatherRepository }): Record<string, DirectHandler> {
  return {
    getWeather: async (req, res) => {
      const { resortID } = parseRequest(resortParams, req.params, 'path');
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

    putWeather: async (req, res) => {
      const { resortID } = parseRequest(resortParams, req.params, 'path');
      const body = parseRequest(weatherPutBody, jsonOf(req), 'body');
      const report = await deps.weather.publish(resortID, body);
      if (!report) throw resortNotFound(resortID);
      res.setHeader('ETag', weatherEtag(resortID, report.version));
      sendJson(res, 200, report);
    },
  };
}
