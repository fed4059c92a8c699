export {
  INDEX_PREFIX, EVENTS_TEMPLATE, ALL_EVENTS_PATTERN, RETENTION_CLASSES, DEFAULT_RETENTION_CLASS,
  isRetentionClass, eventIndexName, parseEventIndexName, indicesForRange,
} from './names';
export type { RetentionClass } from './names';
export { eventsIndexTemplate } from './template';
export { toDocument, fromDocument, withoutIndexedFields } from './document';
export type { EventDocument } from './document';
