import { getOperation, resortParams, weatherPutBody } from '@skico/contracts';
import { parseRequest } from '@skico/http';
import { Router } from 'express';
import type { WeatherRepository } from '../data/weather-repository.ts';
import { resortNotFound, weatherNotPublished } from '../domain/errors.ts';
import { ifNoneMatchHits, weatherEtag } from '../domain/etag.ts';

// The contract says how long clients and the gateway may keep a report.
const cacheControl = `max-age=${getOperation('getWeather').cacheMaxAgeSeconds ?? 60}`;

export function weatherRouter(deps: { weather: WeatherRepository }): Router {
  const router = Router();

  router.get('/resorts/:resortID/weather', async (req, res) => {
    const { resortID } = parseRequest(resortParams, req.params, 'path');
    const current = await deps.weather.current(resortID);
    if (current.kind === 'no-resort') throw resortNotFound(resortID);
    if (current.kind === 'no-report') throw weatherNotPublished(resortID);
    const etag = weatherEtag(resortID, current.report.version);
    res.set({ ETag: etag, 'Cache-Control': cacheControl });
    if (ifNoneMatchHits(req.get('If-None-Match'), etag)) {
      res.status(304).end();
      return;
    }
    res.json(current.report);
  });

  router.put('/resorts/:resortID/weather', async (req, res) => {
    const { resortID } = parseRequest(resortParams, req.params, 'path');
    const body = parseRequest(weatherPutBody, req.body, 'body');
    const report = await deps.weather.publish(resortID, body);
    if (!report) throw resortNotFound(resortID);
    res.set('ETag', weatherEtag(resortID, report.version)).json(report);
  });

  return router;
}
