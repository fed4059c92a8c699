export {
  INDEX_PREFIX, EVENTS_TEMPLATE, ALL_EVENTS_PATTERN, RETENTION_CLASSES, DEFAULT_RETENTION_CLASS,
  isRetentionClass, eventIndexName, parseEventIndexName, indicesForRange,
  REHYDRATED_INDEX_PREFIX, ALL_REHYDRATED_PATTERN, REHYDRATION_JOB_ID_PATTERN, rehydratedIndexName, parseRehydratedIndexName,
} from './names';
export type { RetentionClass } from './names';
export { eventsIndexTemplate } from './template';
export { toDocument, fromDocument, withoutIndexedFields } from './document';
export type { EventDocument } from './document';
