/** Longest wait reported; beyond it the queue is called saturated. */
export const MAX_WAIT_MINUTES = 60;

/**
 * Estimated queue wait in minutes for a lift with `arrivalsPerMinute` riders arriving and capacity to
 * load `capacityPerMinute`, after the M/M/1 queue: Wq = λ / (μ (μ − λ)), capped when λ ≥ μ.
 */
export function estimateWaitMinutes(arrivalsPerMinute: number, capacityPerMinute: number): number {
  if (arrivalsPerMinute <= 0) return 0;
  if (arrivalsPerMinute >= capacityPerMinute) return MAX_WAIT_MINUTES;
  const wait = arrivalsPerMinute / (capacityPerMinute * (capacityPerMinute - arrivalsPerMinute));
  return Math.min(MAX_WAIT_MINUTES, Math.round(wait * 10) / 10);
}
