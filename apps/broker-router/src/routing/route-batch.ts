import { DEFAULT_APP, type RawBatch, type RawLine } from '@millrace/log-schema';
import type { MatchableEvent } from '@millrace/query-language';
import { fnv1a, provisionalEvent, type CompiledRules } from './rules';

/** What happened to one app's lines in a batch. Bytes are UTF-8 bytes of the line text. */
export interface AppTally {
  received: number;
  receivedBytes: number;
  /** Passed on to parsing (including `noIndex` lines); what counts against the daily quota. */
  kept: number;
  keptBytes: number;
  /** Dropped by an exclusion rule. */
  excluded: number;
  /** Dropped by a sampling rule. */
  sampled: number;
  /** Kept for tail, alerts and drains, but not indexed. */
  noIndex: number;
  /** Dropped because the tenant was over its daily quota. */
  overQuota: number;
  overQuotaBytes: number;
}

export const emptyTally = (): AppTally => ({
  received: 0, receivedBytes: 0, kept: 0, keptBytes: 0, excluded: 0, sampled: 0, noIndex: 0, overQuota: 0, overQuotaBytes: 0,
});

export interface RouteContext {
  /** The tenant's compiled routing rules, if it has any. */
  rules?: CompiledRules;
  /** Bytes the tenant may still take today (Infinity: no quota). A line is over quota once this is used up. */
  quotaRemaining?: number;
}

export interface RouteResult {
  /** The batch to publish on PARSE (same batch id, dropped lines removed), or null when nothing is left. */
  batch: RawBatch | null;
  tally: Map<string, AppTally>;
  keptBytes: number;
  /** Lines that matched each rule (by rule id), for metrics. */
  ruleHits: Map<string, number>;
}

/**
 * The routing decision for one batch, kept free of NATS so it is testable on its own. Per line,
 * in this order:
 * 1. exclusion rules with `action: drop`: the first that matches drops the line;
 * 2. sampling rules: the first that matches decides; one in `rate` of its matching lines is kept;
 * 3. the daily quota: once the tenant's bytes for the day reach its quota, lines are dropped;
 * 4. exclusion rules with `action: noIndex`: the line is kept but marked `noIndex`.
 *
 * Sampling is deterministic for a batch: the k-th matching line of a batch is kept when
 * (k + offset) mod rate = 0, with an offset drawn from the batch id and rule id. A redelivered
 * batch is therefore routed exactly as before (same lines, same event ids downstream), a batch
 * keeps ⌊m/rate⌋ or ⌈m/rate⌉ of its m matching lines, and over many batches exactly one in
 * `rate` on average, whichever router replica handles them.
 */
export function routeBatch(batch: RawBatch, ctx: RouteContext = {}): RouteResult {
  const rules = ctx.rules;
  let remaining = ctx.quotaRemaining ?? Infinity;
  const tally = new Map<string, AppTally>();
  const ruleHits = new Map<string, number>();
  const sampleSeen = rules && rules.sample.length > 0 ? new Map<string, number>() : undefined;
  const hasRules = rules !== undefined && (rules.drop.length + rules.sample.length + rules.noIndex.length) > 0;
  const kept: RawLine[] = [];
  let keptBytes = 0;
  let changed = false;
  const hit = (id: string) => ruleHits.set(id, (ruleHits.get(id) ?? 0) + 1);

  for (const line of batch.lines) {
    const app = line.app || DEFAULT_APP;
    let t = tally.get(app);
    if (!t) tally.set(app, (t = emptyTally()));
    const bytes = Buffer.byteLength(line.line, 'utf8');
    t.received++;
    t.receivedBytes += bytes;

    let event: MatchableEvent | undefined;
    let noIndex = false;
    if (hasRules) {
      event = provisionalEvent(line, batch, rules.needsContent);
      const dropRule = rules.drop.find((r) => r.matches(event!));
      if (dropRule) {
        hit(dropRule.id);
        t.excluded++;
        changed = true;
        continue;
      }
      const sampleRule = rules.sample.find((r) => r.matches(event!));
      if (sampleRule) {
        hit(sampleRule.id);
        const k = sampleSeen!.get(sampleRule.id) ?? 0;
        sampleSeen!.set(sampleRule.id, k + 1);
        const offset = fnv1a(`${batch.batchId}:${sampleRule.id}`) % sampleRule.rate;
        if ((k + offset) % sampleRule.rate !== 0) {
          t.sampled++;
          changed = true;
          continue;
        }
      }
    }
    if (remaining <= 0) {
      t.overQuota++;
      t.overQuotaBytes += bytes;
      changed = true;
      continue;
    }
    remaining -= bytes;
    if (hasRules && rules.noIndex.length > 0) {
      const noIndexRule = rules.noIndex.find((r) => r.matches(event!));
      if (noIndexRule) {
        hit(noIndexRule.id);
        noIndex = true;
      }
    }
    t.kept++;
    t.keptBytes += bytes;
    keptBytes += bytes;
    if (noIndex && !line.noIndex) {
      t.noIndex++;
      kept.push({ ...line, noIndex: true });
      changed = true;
    } else {
      if (line.noIndex) t.noIndex++;
      kept.push(line);
    }
  }
  const out = kept.length === 0 ? null : changed ? { ...batch, lines: kept } : batch;
  return { batch: out, tally, keptBytes, ruleHits };
}
