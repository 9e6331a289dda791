import { parseArgs } from 'node:util';
import { mintToken } from '@skico/auth';
import { loadConfig } from '@skico/config';
import { gatewayConfigSchema } from '../config.ts';

// `npm run token -- --admin` or `npm run token -- --skier 42`: a bearer token the gateway accepts, signed
// with the same JWT_* settings (environment or defaults) as the gateway.
const { values } = parseArgs({
  options: {
    admin: { type: 'boolean', default: false },
    skier: { type: 'string' },
    subject: { type: 'string' },
    expires: { type: 'string', default: '1h' },
  },
});

if (!values.admin && !values.skier) {
  console.error('usage: npm run token -- --admin | --skier <skierID> [--expires 1h]');
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
