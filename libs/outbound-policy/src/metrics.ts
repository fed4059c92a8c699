import { Counter, register } from 'prom-client';

const NAME = 'millrace_outbound_refused_total';

/** Connections and saved targets the outbound policy refused, by purpose, reason (address kind) and stage. */
export const outboundRefusals: Counter<'purpose' | 'reason' | 'stage'> =
  (register.getSingleMetric(NAME) as Counter<'purpose' | 'reason' | 'stage'> | undefined) ??
  new Counter({ name: NAME, help: 'Outbound targets refused by the address policy (stage save: when configured; connect: when connecting)', labelNames: ['purpose', 'reason', 'stage'] });
