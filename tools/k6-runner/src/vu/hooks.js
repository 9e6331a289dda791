// Module resolution hooks of a VU thread (node:module register, Node >= 20.6): 'k6', 'k6/http' and
// 'k6/metrics' resolve to the runner's shims, and a script may otherwise import only its own files.
// Anything else k6 would offer (k6/ws, k6/execution, remote jslib modules...) or k6 would refuse (Node
// built-ins, npm packages) fails the import with a message naming it.

/** @import { ResolveHook } from 'node:module' */

/** @type {{ shims: Record<string, string>, runtimeDir: string }} */
let config = { shims: {}, runtimeDir: '' };

/** @param {typeof config} data */
export async function initialize(data) {
  config = data;
}

/** @type {ResolveHook} */
export function resolve(specifier, context, nextResolve) {
  const shim = config.shims[specifier];
  if (shim) return { url: shim, shortCircuit: true };
  const parent = context.parentURL;
  const ownCode = parent === undefined || parent.startsWith(config.runtimeDir);
  const scriptFile = /^(\.{1,2}\/|\/|file:)/.test(specifier);
  if (ownCode || scriptFile) return nextResolve(specifier, context);
  throw new Error(
    `k6-runner does not implement the module "${specifier}" imported by ${parent}: it offers ` +
      `${Object.keys(config.shims).join(', ')} and the script's own files`,
  );
}
