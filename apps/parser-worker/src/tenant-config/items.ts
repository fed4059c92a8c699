import type { FieldType } from '../parsing';

/** A parsing rule as the query-api stores and serves it (`config.parsing-rules.get`). */
export interface ParsingRuleItem {
  tenant: string;
  id: string;
  name: string;
  app: string | null;
  query: string | null;
  pattern: { kind: 'regex' | 'grok'; source: string; ignoreCase?: boolean };
  fieldTypes: Record<string, FieldType>;
  /** Rules are tried in this order; the first that matches wins. */
  position: number;
  enabled: boolean;
}

/** A tenant's redaction settings (`config.redaction.get`). */
export interface RedactionItem {
  tenant: string;
  email: boolean;
  creditCard: boolean;
  ipv4: boolean;
  ipv6: boolean;
  custom: Array<{ name: string; pattern: string; ignoreCase?: boolean }>;
}

/** `parser.rules.dry-run`: check a rule and/or redaction settings and show what they do to sample lines. */
export interface DryRunRequest {
  tenant: string;
  rule?: Omit<ParsingRuleItem, 'tenant' | 'position' | 'enabled'>;
  redaction?: Omit<RedactionItem, 'tenant'>;
  lines?: Array<{ line: string; app?: string; host?: string }>;
}
