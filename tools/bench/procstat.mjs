// CPU seconds per process, read from /proc, so every benchmark figure can carry what each
// process spent on it. Processes are found by the port they listen on (services, NATS,
// OpenSearch) or given by pid.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const TICKS_PER_SECOND = Number(safe(() => execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())) || 100;

function safe(f) {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** utime + stime of a process (its threads included), in seconds; undefined once it is gone. */
export function cpuSeconds(pid) {
  const stat = safe(() => fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (!stat) return undefined;
  // Fields after the command name, which may contain spaces, closed by the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size in MiB. */
export function rssMiB(pid) {
  const status = safe(() => fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  const match = status && /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** The pid listening on a loopback TCP port, from `ss`. */
export function pidOnPort(port) {
  const out = safe(() => execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' })) ?? '';
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
}

/**
 * A set of named processes whose CPU is sampled together: `const m = meter(pids); … m.stop()`
 * gives each process' CPU seconds between the two calls.
 */
export function meter(pids) {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) ?? 0]));
  const t0 = performance.now();
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (cpuSeconds(pid) ?? start[name]) - start[name]]));
      return { seconds, cpu };
    },
  };
}

/** `name 1.23 s` pairs, largest first. */
export function formatCpu(cpu) {
  return Object.entries(cpu)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(2)} s`)
    .join(', ');
}
