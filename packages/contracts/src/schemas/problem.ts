import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const fieldError = z.object({
  in: z.enum(['path', 'query', 'body', 'header']),
  field: z.string().meta({ description: 'The offending field, dotted for nested ones (`stats.rides`).' }),
  message: z.string(),
});

/**
 * An RFC 9457 problem document. It also carries `message`, so a course client that reads
 * `ResponseMsg{message}` keeps working, and a stable machine-readable `code`.
 */
export const problem = z
  .looseObject({
    type: z.string().meta({ description: 'A URI naming the problem type.' }),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    message: z.string().meta({ description: 'Same as `detail`; what course clients read.' }),
    code: z
      .string()
      .meta({ description: 'Stable machine-readable code such as `RESORT_NOT_FOUND`.', example: 'INVALID_REQUEST' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(fieldError).optional().meta({ description: 'Each invalid field of a 400.' }),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problem>;
export type FieldError = z.infer<typeof fieldError>;
