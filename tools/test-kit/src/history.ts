/**
 * A history of writes and a checker of it, after Jepsen's queue checkers: every attempt a test makes is
 * recorded with its outcome, and at the end the final state is read and each write is judged.
 *
 * - `ok`: the system answered success (201); the write must be present, once.
 * - `fail`: the system answered an error (4xx, 503): the write was refused.
 * - `info`: indeterminate (a timeout, a dropped connection, 502 or 504): it may or may not have taken effect.
 *
 * A key's outcome is the best of its attempts (clients retry): ok, else indeterminate, else failed.
 */
export type AttemptOutcome = 'ok' | 'fail' | 'info';

export interface Attempt {
  key: string;
  outcome: AttemptOutcome;
  /** The status answered, when there was one. */
  status?: number;
  /** Why an indeterminate attempt has no answer (`timeout`, `ECONNRESET`, ...). */
  error?: string;
  startedAt: number;
  latencyMs: number;
}

export interface FinalState {
  /** How many times the final state counts each key (a table with a unique key gives 1 for each row). */
  counts: ReadonlyMap<string, number>;
  /**
   * Extra counts the key counts cannot show, such as aggregates that counted a write twice although its row
   * is unique; added to `duplicated`.
   */
  extraCounts?: number;
}

export interface HistoryReport {
  /** Distinct keys written. */
  sent: number;
  attempts: number;
  /** Keys with at least one attempt answered success. */
  ok: number;
  /** Keys whose every attempt was answered an error. */
  failed: number;
  /** Keys with no success and at least one indeterminate attempt. */
  indeterminate: number;
  /** Answered success, absent from the final state. */
  lost: number;
  /** Counted more than once (each extra count is one). */
  duplicated: number;
  /** Present but never sent. */
  unexpected: number;
  /** Never answered success, yet present: taken by an attempt whose answer was lost (indeterminate). */
  recovered: number;
  /**
   * Only ever refused, yet present: a refusal that took effect after all (a confirm that came after the
   * publish timed out). Not lost or doubled, so not a defect of the promises, but printed.
   */
  refusedPresent: number;
  /** Attempts by status (`201`, `503`, ...) or by error for indeterminate ones (`timeout`, ...). */
  answers: Record<string, number>;
  worstLatencyMs: number;
  /** Up to five keys of each defect, for the failure message. */
  examples: { lost: string[]; duplicated: string[]; unexpected: string[] };
}

/**
 * 2xx is success. 502 and 504 are indeterminate: the gateway gave up waiting (or lost the service's answer),
 * and the service may have taken the write after all. Every other status is an answered failure.
 */
const classify = (status: number): AttemptOutcome =>
  status >= 200 && status < 300 ? 'ok' : status === 502 || status === 504 ? 'info' : 'fail';

/** Names an error for the `answers` figures: a timeout, or the socket error's code. */
function errorName(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.cause?.name ?? e?.name ?? 'error';
}

export function createHistory() {
  const attempts: Attempt[] = [];
  const byKey = new Map<string, Attempt[]>();
  let okKeys = 0;

  const add = (attempt: Attempt) => {
    if (attempt.outcome === 'ok' && !byKey.get(attempt.key)?.some((a) => a.outcome === 'ok')) okKeys += 1;
    attempts.push(attempt);
    const list = byKey.get(attempt.key);
    if (list) list.push(attempt);
    else byKey.set(attempt.key, [attempt]);
    return attempt;
  };

  return {
    /** Declares a key as sent before its first attempt (so that a key whose attempts never ran still counts). */
    sent(key: string) {
      if (!byKey.has(key)) byKey.set(key, []);
    },
    add,
    /**
     * Runs one attempt and records it: a resolved status is `ok` (2xx) or `fail`, a throw is `info`.
     * Returns the status, or undefined when the outcome is indeterminate.
     */
    async attempt(key: string, call: () => Promise<number>): Promise<number | undefined> {
      const startedAt = Date.now();
      try {
        const status = await call();
        add({ key, outcome: classify(status), status, startedAt, latencyMs: Date.now() - startedAt });
        return status;
      } catch (err) {
        add({ key, outcome: 'info', error: errorName(err), startedAt, latencyMs: Date.now() - startedAt });
        return undefined;
      }
    },
    attempts: () => attempts as readonly Attempt[],
    /** How many keys have been answered success so far (cheap: for a test waiting on progress). */
    okCount: () => okKeys,
    /** The keys answered success at least once: the ones that must be present. */
    acknowledged: () => [...byKey].filter(([, list]) => list.some((a) => a.outcome === 'ok')).map(([key]) => key),
    /** Judges every key against the final state. */
    check(final: FinalState): HistoryReport {
      const answers: Record<string, number> = {};
      for (const a of attempts) {
        const name = a.status !== undefined ? String(a.status) : (a.error ?? 'error');
        answers[name] = (answers[name] ?? 0) + 1;
      }
      const examples = { lost: [] as string[], duplicated: [] as string[], unexpected: [] as string[] };
      const note = (list: string[], key: string) => {
        if (list.length < 5) list.push(key);
      };
      let ok = 0;
      let failed = 0;
      let indeterminate = 0;
      let lost = 0;
      let recovered = 0;
      let refusedPresent = 0;
      let duplicated = final.extraCounts ?? 0;
      for (const [key, list] of byKey) {
        const count = final.counts.get(key) ?? 0;
        if (count > 1) {
          duplicated += count - 1;
          note(examples.duplicated, key);
        }
        if (list.some((a) => a.outcome === 'ok')) {
          ok += 1;
          if (count === 0) {
            lost += 1;
            note(examples.lost, key);
          }
          continue;
        }
        const unsure = list.some((a) => a.outcome === 'info');
        if (unsure) indeterminate += 1;
        else failed += 1;
        if (count > 0 && unsure) recovered += 1;
        if (count > 0 && !unsure) refusedPresent += 1;
      }
      let unexpected = 0;
      for (const [key, count] of final.counts) {
        if (count > 0 && !byKey.has(key)) {
          unexpected += 1;
          note(examples.unexpected, key);
        }
      }
      return {
        sent: byKey.size,
        attempts: attempts.length,
        ok,
        failed,
        indeterminate,
        lost,
        duplicated,
        unexpected,
        recovered,
        refusedPresent,
        answers,
        worstLatencyMs: attempts.reduce((worst, a) => Math.max(worst, a.latencyMs), 0),
        examples,
      };
    },
  };
}

export type History = ReturnType<typeof createHistory>;

/** One line of figures for a test's output: `name history {"sent":…,"lost":0,…}`. */
export function formatHistory(name: string, report: HistoryReport, more: Record<string, unknown> = {}): string {
  const { examples, ...figures } = report;
  const defects = examples.lost.length + examples.duplicated.length + examples.unexpected.length;
  // The checker's figures win over a test's own of the same name.
  return `${name} history ${JSON.stringify({ ...figures, ...more, ...figures, ...(defects ? { examples } : {}) })}`;
}
