import { AppError } from '@skico/errors';
import type { Stage } from '@skico/http';

export interface ShapeLimits {
  maxUrlLength: number;
  maxQueryParams: number;
}

/** Refuses URLs over the length limit (414) and query strings with too many parameters, repeats counted (400). */
export function requestShapeLimits(limits: ShapeLimits): Stage {
  return (req, _res, next) => {
    const url = req.url ?? '/';
    if (url.length > limits.maxUrlLength) {
      throw new AppError('uri-too-long', 'URL_TOO_LONG', `The URL is longer than ${limits.maxUrlLength} characters.`);
    }
    const start = url.indexOf('?');
    if (start >= 0) {
      let count = 0;
      for (const pair of url.slice(start + 1).split('&')) if (pair.length > 0) count += 1;
      if (count > limits.maxQueryParams) {
        throw new AppError(
          'invalid',
          'TOO_MANY_QUERY_PARAMETERS',
          `The query has ${count} parameters; at most ${limits.maxQueryParams} are accepted.`,
        );
      }
    }
    next();
  };
}
