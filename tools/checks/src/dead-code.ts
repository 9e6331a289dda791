import { runBin } from './run-bin.ts';

/** For `npm run lint`: knip's report of unused files, exports and dependencies (knip.jsonc), if any. */
export async function checkDeadCode(): Promise<string | undefined> {
  const result = await runBin('knip', ['--no-progress', '--cache']);
  if (result.status === 0) return undefined;
  const report = `${result.stdout.trim()}\n${result.stderr.trim()}`.trim();
  return `unused files, exports or dependencies (knip, configured in knip.jsonc):\n${report}`;
}
