import { z } from 'zod';

export const INT32_MAX = 2 ** 31 - 1;

/**
 * An integer path or query parameter in min..max. Parameters arrive as strings, so only plain digits are
 * accepted ("1e3", "0x10", " 1" and "1.5" are not numbers here) and the result is a number.
 */
export function intParam(min: number, max: number, description: string) {
  return z
    .string()
    .refine((value) => /^[0-9]{1,10}$/.test(value), { message: 'must be a whole number written in digits' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ type: 'integer', minimum: min, maximum: max, description });
}

/** A resort, skier or lift id in a path or query: a positive 32-bit integer. */
export const idParam = (description: string) => intParam(1, INT32_MAX, description);

/** A season: a 4-digit year string, kept a string as the course contract has it. */
export const seasonId = (description = 'Season: a 4-digit year.') =>
  z
    .string()
    .regex(/^[0-9]{4}$/, { message: 'must be a 4-digit year such as "2025"' })
    .meta({ description, example: '2025' });

/** A positive 32-bit integer inside a JSON body or answer. */
export const positiveInt32 = (description: string) => z.int().min(1).max(INT32_MAX).meta({ description });

/** A count or an amount that cannot be negative. */
export const count = (description: string) => z.int().min(0).meta({ description });

/** A query parameter that may be given once or repeated (`?resort=1&resort=2`); parsed into a list. */
export function repeatedParam<T extends z.ZodType>(item: T, minItems = 0) {
  return z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    minItems > 0 ? z.array(item).min(minItems) : z.array(item),
  );
}
