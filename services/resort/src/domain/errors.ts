import { conflict, notFound } from '@skico/errors';

export const resortNotFound = (resortID: number) =>
  notFound('RESORT_NOT_FOUND', `Resort ${resortID} does not exist.`, { resortID });

export const weatherNotPublished = (resortID: number) =>
  notFound('WEATHER_NOT_PUBLISHED', `Resort ${resortID} has no weather report yet.`, { resortID });

export const resortNameTaken = (resortName: string) =>
  conflict('RESORT_NAME_TAKEN', `A resort named "${resortName}" already exists.`, { resortName });
