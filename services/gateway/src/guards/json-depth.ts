import { AppError } from '@skico/errors';
import type { Stage } from '@skico/http';

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in JSON text, read in one pass without parsing (brackets
 * inside strings do not count). Malformed text still gets a number: parsing is the service's job.
 */
export function jsonDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
    }
  }
  return deepest;
}

/** Refuses JSON bodies nested deeper than the limit (400) before they reach a service's parser. */
export function jsonDepthLimit(maxDepth: number): Stage {
  return (req, _res, next) => {
    const body: unknown = (req as { body?: unknown }).body;
    // Whatever the declared content type: every body this API takes is JSON.
    if (Buffer.isBuffer(body) && body.length > 0) {
      const depth = jsonDepth(body);
      if (depth > maxDepth) {
        throw new AppError(
          'invalid',
          'JSON_TOO_DEEP',
          `The JSON body nests ${depth} levels deep; at most ${maxDepth} are accepted.`,
        );
      }
    }
    next();
  };
}
