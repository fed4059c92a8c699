import type { Canary } from '../canary';
import { STEADY } from '../canary';
import type { PhaseFigures } from '../stats';
import { sleep } from '../writer';
import { RecoveryDetector, recoveryThreshold, type FaultDriver, type FaultPhase, type FaultTarget } from './schedule';

export interface FaultRunOptions {
  /** Steady writing before each fault, to measure the normal lags. */
  settleMs: number;
  /** How long the killed node or instances stay down. */
  downMs: number;
  /** A phase that has not recovered this long after the restore fails. */
  recoverTimeoutMs: number;
  log: (message: string) => void;
}

export interface PhaseReport {
  name: string;
  description: string;
  targets: string[];
  /** From the kill to the restore (the node or instance back and ready). */
  outageMs: number;
  /** From the kill until every lag was back to normal; undefined: it did not recover in time. */
  recoveryMs?: number;
  thresholdMs: number;
  /** Worst lags during the phase: the oldest line waiting for its 2xx, to be searchable, to be tailed. */
  peakLagMs: { write: number; search: number; tail: number };
  /** Lines made searchable per second at best while the backlog drained. */
  catchUpLinesPerSecond: number;
  figures: PhaseFigures;
}

const SAMPLE_MS = 250;

/**
 * Runs the schedule against a writing canary: for each phase, waits for a healthy deployment,
 * writes steadily for `settleMs`, kills the phase's targets, keeps them down `downMs`, restores
 * them, and waits until the canary's lags are back to normal. Lines written from the kill to
 * the recovery carry the phase's name, so its figures are theirs.
 */
export async function runFaults(canary: Canary, driver: FaultDriver, phases: FaultPhase[], options: FaultRunOptions): Promise<PhaseReport[]> {
  const reports: PhaseReport[] = [];
  for (const phase of phases) {
    await driver.waitHealthy(180_000);
    canary.setPhase(STEADY);
    const steady: number[] = [];
    const settleEnd = Date.now() + options.settleMs;
    while (Date.now() < settleEnd) {
      const l = canary.lags();
      steady.push(l.write, l.search, l.tail);
      await sleep(SAMPLE_MS);
    }
    const thresholdMs = recoveryThreshold(steady);
    const targets = await phase.pick(driver);
    const peak = { write: 0, search: 0, tail: 0 };
    const track = () => {
      const l = canary.lags();
      peak.write = Math.max(peak.write, l.write);
      peak.search = Math.max(peak.search, l.search);
      peak.tail = Math.max(peak.tail, l.tail);
      return l;
    };
    options.log(`fault ${phase.name}: ${phase.description} (${targets.map((t) => t.name).join(', ')})`);
    canary.setPhase(phase.name);
    const faultAt = Date.now();
    await Promise.all(targets.map((t: FaultTarget) => driver.kill(t)));
    const downEnd = faultAt + options.downMs;
    while (Date.now() < downEnd) {
      track();
      await sleep(SAMPLE_MS);
    }
    const sampler = setInterval(track, SAMPLE_MS);
    try {
      await Promise.all(targets.map((t) => driver.restore(t)));
    } finally {
      clearInterval(sampler);
    }
    const restoredAt = Date.now();
    const detector = new RecoveryDetector(thresholdMs);
    while (detector.recoveredAt === undefined && Date.now() - restoredAt < options.recoverTimeoutMs) {
      const l = track();
      detector.sample(Date.now(), [l.write, l.search, l.tail]);
      await sleep(SAMPLE_MS);
    }
    canary.setPhase(STEADY);
    const recoveredAt = detector.recoveredAt;
    const report: PhaseReport = {
      name: phase.name,
      description: phase.description,
      targets: targets.map((t) => t.name),
      outageMs: restoredAt - faultAt,
      recoveryMs: recoveredAt === undefined ? undefined : recoveredAt - faultAt,
      thresholdMs,
      peakLagMs: peak,
      catchUpLinesPerSecond: canary.peakSearchablePerSecond(faultAt, recoveredAt ?? Date.now()),
      figures: canary.figures(phase.name),
    };
    options.log(
      `fault ${phase.name}: back after ${report.outageMs} ms, ${recoveredAt === undefined ? 'NOT recovered' : `recovered ${report.recoveryMs} ms after the kill`}; ` +
      `peak lags write ${peak.write} / searchable ${peak.search} / tail ${peak.tail} ms`,
    );
    reports.push(report);
  }
  return reports;
}
