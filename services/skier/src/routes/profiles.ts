import type { IncomingMessage } from 'node:http';
import {
  idempotencyKeyHeader,
  requestTimeoutHeader,
  type ServiceOperation,
  skierProfile,
  skierProfileWithStats,
} from '@skico/contracts';
import { AppError, notFound } from '@skico/errors';
import { type Handlers, headerOf, parseRequest, requestLog, sendJson } from '@skico/http';
import { z } from 'zod';
import type { FetchStats } from '../data/lift-ride-stats.ts';
import type { ProfileRepository } from '../data/profile-repository.ts';
import { composeProfile } from '../domain/compose-profile.ts';

export interface ProfileHandlerDeps {
  profiles: ProfileRepository;
  fetchStats: FetchStats;
  /** Budget of the stats call of a profile read, in ms. */
  statsTimeoutMs: number;
}

const keyHeader = z.object({ 'idempotency-key': idempotencyKeyHeader.optional() });

const missing = (skierID: number) => notFound('SKIER_NOT_FOUND', `Skier profile ${skierID} does not exist.`);

/** The stats budget, lowered to the caller's remaining deadline when it forwards a shorter one. */
function statsBudget(req: IncomingMessage, statsTimeoutMs: number): number {
  const deadline = requestTimeoutHeader.safeParse(headerOf(req, 'request-timeout'));
  return deadline.success ? Math.min(statsTimeoutMs, deadline.data) : statsTimeoutMs;
}

/** The handlers of the contract's skier operations, by operation id. */
export function profileHandlers(deps: ProfileHandlerDeps): Handlers<ServiceOperation<'skier'>> {
  return {
    createSkier: async (req, res) => {
      const { body } = req;
      const { 'idempotency-key': key } = parseRequest(
        keyHeader,
        { 'idempotency-key': headerOf(req, 'idempotency-key') },
        'header',
      );
      const created =
        key === undefined
          ? { profile: await deps.profiles.create(body), replayed: false }
          : await deps.profiles.createOnce(key, body);
      if (created === 'key-reused') {
        throw new AppError(
          'unprocessable',
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request; use a new key.',
        );
      }
      res.setHeader('Location', `/skiers/${created.profile.skierID}`);
      if (created.replayed) res.setHeader('Idempotent-Replayed', 'true');
      sendJson(res, 201, skierProfile.parse(created.profile));
    },

    getSkier: async (req, res) => {
      const { skierID } = req.params;
      const { season } = req.query;
      const timeoutMs = statsBudget(req, deps.statsTimeoutMs);
      const composed = await composeProfile({
        loadProfile: () => deps.profiles.find(skierID),
        loadStats: (signal) => deps.fetchStats({ skierID, season, timeoutMs, signal, requestId: req.id }),
        budgetMs: timeoutMs,
      });
      if (!composed) throw missing(skierID);
      if (composed.degradation) {
        const { reason, cause } = composed.degradation;
        requestLog(req)?.warn(
          { skierID, reason, err: cause, budgetMs: timeoutMs },
          'stats unavailable; profile answered degraded',
        );
      }
      sendJson(res, 200, skierProfileWithStats.parse(composed.profile));
    },

    replaceSkier: async ({ params: { skierID }, body }, res) => {
      const profile = await deps.profiles.replace(skierID, body);
      if (!profile) throw missing(skierID);
      sendJson(res, 200, skierProfile.parse(profile));
    },

    deleteSkier: async ({ params: { skierID } }, res) => {
      if (!(await deps.profiles.remove(skierID))) throw missing(skierID);
      res.statusCode = 204;
      res.end();
    },
  };
}
