export {
  STREAMS, STREAM_SUBJECTS, AUTH_SUBJECTS, HEADERS,
  ingestSubject, parseSubject, eventsSubject, dlqSubject, tenantOfSubject,
  CONFIG_KINDS, configGetSubject, configChangedSubject, USAGE_SUBJECTS, PARSER_SUBJECTS, ALERTER_SUBJECTS,
} from './subjects';
export type { StreamName, DeadLetterStage, ConfigKind, QuotaState } from './subjects';
export { LIMITS, TRUNCATION_MARKER } from './limits';
export { newBatchId, eventId, isTenantId, TENANT_ID_PATTERN } from './ids';
export { LEVELS, normaliseLevel, syslogSeverityLevel } from './levels';
export type { Level } from './levels';
export { parseTimestamp, normaliseTimestamp, MAX_FUTURE_MS, MAX_PAST_MS } from './timestamps';
export type { NormalisedTimestamp } from './timestamps';
export {
  PROTOCOLS, rawLineSchema, batchSourceSchema, rawBatchSchema, logEventSchema, eventBatchSchema,
  DEFAULT_APP, DEFAULT_HOST,
} from './batch';
export type { FieldMap, Protocol, RawLine, BatchSource, RawBatch, LogEvent, EventBatch } from './batch';
export { PoisonMessageError, encodeMessage, decodeMessage, decodeRawBatch } from './codec';
export { encodeEventBatch, readEventBatch, decodeEventBatch, wireEventToLogEvent } from './event-wire';
export type { WireEvent, WireEventBatch } from './event-wire';
export { toDocument, fromDocument } from './document';
export type { EventDocument } from './document';
export { truncateUtf8, splitIntoBatches } from './batching';
