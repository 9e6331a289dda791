import { allowedMethods } from '@skico/contracts';
import { AppError } from '@skico/errors';
import type { NextFunction, Request, Response } from 'express';

/** After every route: a known path with another method is 405 with Allow; an unknown path falls through to 404. */
export function methodNotAllowed(req: Request, res: Response, next: NextFunction) {
  const allowed = allowedMethods(req.path);
  if (allowed.length === 0) {
    next();
    return;
  }
  res.setHeader('Allow', allowed.join(', '));
  throw new AppError(
    'method-not-allowed',
    'METHOD_NOT_ALLOWED',
    `${req.method} is not allowed on ${req.path}; use ${allowed.join(' or ')}.`,
  );
}
