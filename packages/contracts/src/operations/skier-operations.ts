import { defineOperation, problemAnswer } from '../operation.ts';
import { skierParams } from '../schemas/lift-ride.ts';
import { skierProfile, skierProfileBody, skierProfileWithStats, skierStatsQuery } from '../schemas/skier.ts';

const skierNotFound = problemAnswer('Unknown skier profile.');

export const skierOperations = [
  defineOperation({
    operationId: 'createSkier',
    method: 'POST',
    path: '/skiers',
    service: 'skier',
    auth: 'none',
    summary: 'Create a skier profile',
    tags: ['skiers'],
    body: skierProfileBody,
    responses: {
      201: {
        description: 'The profile was created.',
        schema: skierProfile,
        headers: ['Location', 'Idempotent-Replayed'],
      },
    },
  }),
  defineOperation({
    operationId: 'getSkier',
    method: 'GET',
    path: '/skiers/{skierID}',
    service: 'skier',
    auth: 'none',
    summary: 'A skier profile with season stats',
    description: 'When the lift-ride service cannot answer in time, `stats` is null and `degraded` is true.',
    tags: ['skiers'],
    params: skierParams,
    query: skierStatsQuery,
    responses: { 200: { description: 'The profile.', schema: skierProfileWithStats }, 404: skierNotFound },
  }),
  defineOperation({
    operationId: 'replaceSkier',
    method: 'PUT',
    path: '/skiers/{skierID}',
    service: 'skier',
    auth: 'owner-or-admin',
    summary: 'Replace a skier profile',
    tags: ['skiers'],
    params: skierParams,
    body: skierProfileBody,
    responses: { 200: { description: 'The profile as stored.', schema: skierProfile }, 404: skierNotFound },
  }),
  defineOperation({
    operationId: 'deleteSkier',
    method: 'DELETE',
    path: '/skiers/{skierID}',
    service: 'skier',
    auth: 'admin',
    summary: 'Delete a skier profile',
    tags: ['skiers'],
    params: skierParams,
    responses: { 204: { description: 'The profile was deleted.' }, 404: skierNotFound },
  }),
];
