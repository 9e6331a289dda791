import {
  requestTimeoutHeader,
  skierParams,
  skierProfile,
  skierProfileBody,
  skierProfileWithStats,
  skierStatsQuery,
} from '@skico/contracts';
import { notFound } from '@skico/errors';
import { parseRequest } from '@skico/http';
import { type Request, Router } from 'express';
import type { FetchStats } from '../data/lift-ride-stats.ts';
import type { ProfileRepository } from '../data/profile-repository.ts';
import { composeProfile } from '../domain/compose-profile.ts';

export interface ProfilesRouterDeps {
  profiles: ProfileRepository;
  fetchStats: FetchStats;
  /** Budget of the stats call of a profile read, in ms. */
  statsTimeoutMs: number;
}

const missing = (skierID: number) => notFound('SKIER_NOT_FOUND', `Skier profile ${skierID} does not exist.`);

/** The stats budget, lowered to the caller's remaining deadline when it forwards a shorter one. */
function statsBudget(req: Request, statsTimeoutMs: number): number {
  const deadline = requestTimeoutHeader.safeParse(req.get('request-timeout'));
  return deadline.success ? Math.min(statsTimeoutMs, deadline.data) : statsTimeoutMs;
}

export function profilesRouter(deps: ProfilesRouterDeps): Router {
  const router = Router();

  router.post('/skiers', async (req, res) => {
    const body = parseRequest(skierProfileBody, req.body, 'body');
    const profile = await deps.profiles.create(body);
    res.status(201).location(`/skiers/${profile.skierID}`).json(skierProfile.parse(profile));
  });

  router.get('/skiers/:skierID', async (req, res) => {
    const { skierID } = parseRequest(skierParams, req.params, 'path');
    const { season } = parseRequest(skierStatsQuery, req.query, 'query');
    const timeoutMs = statsBudget(req, deps.statsTimeoutMs);
    const composed = await composeProfile({
      loadProfile: () => deps.profiles.find(skierID),
      loadStats: (signal) => deps.fetchStats({ skierID, season, timeoutMs, signal, requestId: String(req.id) }),
      budgetMs: timeoutMs,
    });
    if (!composed) throw missing(skierID);
    if (composed.degradation) {
      const { reason, cause } = composed.degradation;
      req.log.warn(
        { skierID, reason, err: cause, budgetMs: timeoutMs },
        'stats unavailable; profile answered degraded',
      );
    }
    res.json(skierProfileWithStats.parse(composed.profile));
  });

  router.put('/skiers/:skierID', async (req, res) => {
    const { skierID } = parseRequest(skierParams, req.params, 'path');
    const body = parseRequest(skierProfileBody, req.body, 'body');
    const profile = await deps.profiles.replace(skierID, body);
    if (!profile) throw missing(skierID);
    res.json(skierProfile.parse(profile));
  });

  router.delete('/skiers/:skierID', async (req, res) => {
    const { skierID } = parseRequest(skierParams, req.params, 'path');
    if (!(await deps.profiles.remove(skierID))) throw missing(skierID);
    res.status(204).end();
  });

  return router;
}
