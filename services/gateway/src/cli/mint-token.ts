import { mintToken } from '@skico/auth';
import { loadConfig, parseCommandLine } from '@skico/config';
import { gatewayConfigSchema } from '../config.ts';

// `npm run token -- --admin` or `npm run token -- --skier 42`: a bearer token the gateway accepts, signed
// with the same JWT_* settings (environment or defaults) as the gateway.
const usage = `Usage: npm run -s token -- --admin | --skier <skierID> [options]
  --admin           a token with the admin role
  --skier ID        a token for skier ID (owner routes of that skier)
  --subject NAME    the subject of an admin token (default operator)
  --expires SPAN    lifetime, e.g. 15m, 1h, 7d (default 1h)`;
const { values } = parseCommandLine(
  {
    admin: { type: 'boolean', default: false },
    skier: { type: 'string' },
    subject: { type: 'string' },
    expires: { type: 'string', default: '1h' },
  },
  usage,
);

if (!values.admin && !values.skier) {
  console.error(`Say which token: --admin or --skier <skierID>.\n\n${usage}`);
  process.exit(2);
}
const config = loadConfig(gatewayConfigSchema, process.env);
const token = await mintToken(
  { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
  {
    subject: values.skier ?? values.subject ?? 'operator',
    roles: values.admin ? ['admin'] : ['skier'],
    expiresIn: values.expires,
  },
);
console.log(token);
