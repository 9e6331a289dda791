import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { prepareDatabase } from '../database.ts';
import { ensureInfrastructure } from '../infra-check.ts';
import { repoRoot } from '../processes.ts';
import { defaultSettings } from '../stack-env.ts';

// `npm test`: checks the servers, prepares the database as the start command does, then runs every test
// (unit, integration and end-to-end) against the real Postgres, Redis and RabbitMQ. Extra arguments go
// to vitest, e.g. `npm test -- packages/pg`.
try {
  await ensureInfrastructure((line) => console.log(line));
  await prepareDatabase(defaultSettings);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const vitest = spawn(join(repoRoot, 'node_modules', '.bin', 'vitest'), ['run', ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vitest.kill(signal));
vitest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
