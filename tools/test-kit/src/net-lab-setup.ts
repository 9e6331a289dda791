import { labUnavailable, removeStaleLabs } from './net-lab.ts';

/**
 * The net-faults project's global setup: refuses to run on a machine that cannot make network namespaces,
 * with the reason, and removes what earlier runs left, first and last (a lab removes its own on stop and on
 * its process's exit; this catches a process that was killed).
 */
export default function setup() {
  const reason = labUnavailable();
  if (reason) throw new Error(`the packet-level fault tests (net-faults) cannot run here: ${reason}`);
  removeStaleLabs();
  return () => {
    removeStaleLabs();
  };
}
