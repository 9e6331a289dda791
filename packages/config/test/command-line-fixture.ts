import { parseCommandLine } from '../src/command-line.ts';

// A command with one option, for command-line.test.ts.
const { values } = parseCommandLine({ limit: { type: 'string' } }, 'Usage: fixture [--limit N]');
console.log(JSON.stringify(values));
