import { postgresBreakerOptions } from '@skico/pg';
import type { BreakerOptions } from '@skico/resilience';

/** Every outbound dependency of the resort service and its knobs, in one place. */
export const resortDependencies = {
  postgres: postgresBreakerOptions,
} satisfies Record<string, BreakerOptions>;
