import type { z } from 'zod';

const credentials = (value: string) => {
  try {
    const url = new URL(value);
    return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } catch {
    return undefined;
  }
};

/**
 * A config refinement for production: each named URL variable must not carry the password of its
 * development default (the local start command's credentials), so that a process started with
 * NODE_ENV=production and a forgotten secret refuses to start, naming the variable.
 */
export function refuseDevelopmentCredentials(developmentUrls: Record<string, string>) {
  return (config: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (config.NODE_ENV !== 'production') return;
    for (const [variable, developmentUrl] of Object.entries(developmentUrls)) {
      const dev = credentials(developmentUrl);
      // A variable may list several URLs (the nodes of a cluster, the replicas of a service).
      const used = String(config[variable] ?? '')
        .split(',')
        .map((u) => credentials(u.trim()));
      if (dev?.password && used.some((u) => u?.password === dev.password)) {
        ctx.addIssue({
          code: 'custom',
          path: [variable],
          message: `the development password of ${dev.user} is refused in production`,
        });
      }
    }
  };
}
