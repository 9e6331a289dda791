import { issueApiKey } from '@skico/auth';
import { loadConfig, parseCommandLine } from '@skico/config';
import { gatewayConfigSchema } from '../config.ts';

// `npm run -s api-key -- --name acme`: an API key the gateway recognizes, signed with the same
// API_KEY_SECRET (environment or default) as the gateway. Nothing is stored: the key carries its own
// signature, so keep it like a password; a new API_KEY_SECRET revokes every key issued before.
const usage = `Usage: npm run -s api-key -- --name <client name>
  --name NAME   the client the key is for: 1-32 lower-case letters, digits or dashes
  --json        print {"key","keyId"} instead of the key alone`;
const { values } = parseCommandLine({ name: { type: 'string' }, json: { type: 'boolean', default: false } }, usage);

if (!values.name) {
  console.error(`Say whom the key is for: --name <client name>.\n\n${usage}`);
  process.exit(2);
}
const config = loadConfig(gatewayConfigSchema, process.env);
let issued: { key: string; keyId: string };
try {
  issued = issueApiKey(config.API_KEY_SECRET, values.name);
} catch (err) {
  console.error(`${(err as Error).message}\n\n${usage}`);
  process.exit(2);
}
console.log(values.json ? JSON.stringify(issued) : issued.key);
