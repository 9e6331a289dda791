import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

/** What one process (or group of processes, such as Postgres's) used during a run. */
export interface ProcessUsage {
  name: string;
  /** User + system CPU time over the run. */
  cpuSeconds: number;
  /** CPU time per completed request: where the machine's cycles went, hop by hop. */
  cpuMsPerRequest: number;
  /** Highest resident set size seen (sampled twice a second); for a group, its largest member. */
  peakRssMb: number;
  /**
   * write and writev system calls per completed request (send() is not counted: Postgres's answers): on
   * loopback each one costs the writer tens of microseconds and wakes the reader, so this says how well a
   * hop coalesces its writes.
   */
  writesPerRequest?: number;
}

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

interface Reading {
  ticks: number;
  /** Write system calls so far (`syscw` of /proc/PID/io; 0 when it cannot be read). */
  writes: number;
  rssMb: number;
  /** When the process started, in clock ticks since boot. */
  startedAt: number;
}

/** Clock ticks since boot. */
function uptimeTicks(): number {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function read(pid: number): Reading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {
      ticks: Number(fields[11]) + Number(fields[12]),
      writes: writeCalls(pid),
      rssMb: rssKb / 1024,
      startedAt: Number(fields[19]),
    };
  } catch {
    return undefined;
  }
}

/** A process's write system calls so far; 0 when its io file is closed to us (another user's, without root). */
function writeCalls(pid: number): number {
  try {
    return Number(/syscw:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** What a process is, from its command line and working directory; undefined for processes of no interest. */
export function classify(cmdline: string, cwd: string): string | undefined {
  if (cmdline.includes('baseline-process.ts server')) return 'baseline server';
  if (cmdline.includes('baseline-process.ts proxy')) return 'baseline proxy';
  if (cmdline.includes('src/worker-main.ts')) return 'lift-ride-worker';
  if (cmdline.includes('src/main.ts') && cwd.includes('/services/')) return basename(cwd);
  if (cmdline.includes('beam.smp')) return 'rabbitmq';
  if (cmdline.startsWith('postgres')) return 'postgres';
  if (cmdline.startsWith('redis-server')) return 'redis';
  return undefined;
}

/** Postgres's own processes (not a connection's backend): they work for every database, this run's too. */
const postgresServer =
  /^postgres: [^:]+: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher)/;

/**
 * Every process of interest on this machine, by name (Linux /proc; empty elsewhere). With `database`,
 * Postgres is its server processes and the backends of that database only: other people's connections on
 * a shared server are not this run's cost.
 */
export function findProcesses(options: { database?: string } = {}): Map<string, number[]> {
  const found = new Map<string, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found;
  }
  for (const entry of entries) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // Another user's process: its command line is enough.
      }
      const name = classify(cmdline, cwd);
      const others =
        name === 'postgres' &&
        options.database !== undefined &&
        !postgresServer.test(cmdline) &&
        !cmdline.includes(` ${options.database} `);
      if (name && !others) found.set(name, [...(found.get(name) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Samples the CPU time and resident memory of a set of processes while a run goes on. `processes` names
 * each group's pids; the load tool itself is added as "load tool". With `rescan`, processes of a group
 * that started during the run (a new Postgres connection) count too; processes that ended during the
 * run are lost.
 */
export function sampleProcesses(
  processes: Map<string, number[]>,
  options: { everyMs?: number; rescan?: () => Map<string, number[]> } = {},
) {
  const groups = new Map([...processes, ['load tool', [process.pid]]]);
  const began = uptimeTicks();
  const first = new Map<number, Reading>();
  const peak = new Map<string, number>();
  const sample = () => {
    for (const [name, pids] of groups) {
      for (const pid of pids) {
        const r = read(pid);
        if (r) peak.set(name, Math.max(peak.get(name) ?? 0, r.rssMb));
      }
    }
  };
  for (const pids of groups.values()) {
    for (const pid of pids) {
      const r = read(pid);
      if (r) first.set(pid, r);
    }
  }
  sample();
  const timer = setInterval(sample, options.everyMs ?? 500);
  timer.unref();

  return {
    /** Ends the sampling; `requests` is how many requests the run completed. */
    stop(requests: number): ProcessUsage[] {
      clearInterval(timer);
      for (const [name, pids] of options.rescan?.() ?? []) {
        const known = groups.get(name);
        if (!known) continue;
        for (const pid of pids) {
          if (known.includes(pid)) continue;
          const r = read(pid);
          if (!r || r.startedAt < began) continue;
          known.push(pid);
          first.set(pid, { ...r, ticks: 0, writes: 0 });
        }
      }
      sample();
      const usage: ProcessUsage[] = [];
      for (const [name, pids] of groups) {
        let ticks = 0;
        let writes = 0;
        for (const pid of pids) {
          const start = first.get(pid);
          const end = read(pid);
          if (start && end) {
            ticks += end.ticks - start.ticks;
            writes += end.writes - start.writes;
          }
        }
        const cpuSeconds = ticks / TICKS_PER_SECOND;
        usage.push({
          name,
          cpuSeconds,
          cpuMsPerRequest: requests > 0 ? (cpuSeconds * 1000) / requests : 0,
          peakRssMb: Math.round(peak.get(name) ?? 0),
          writesPerRequest: requests > 0 ? writes / requests : 0,
        });
      }
      return usage.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    },
  };
}
