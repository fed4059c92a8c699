import { toDocument, fromDocument, type EventDocument } from '@millrace/log-schema';

// The document shape is defined with the event in log-schema (the EVENTS stream carries it).
export { toDocument, fromDocument };
export type { EventDocument };

/** Keep a document indexable when its fields cannot be: fields go to `_source` text only. */
export function withoutIndexedFields(doc: EventDocument): EventDocument {
  return { ...doc, fields: {}, unindexed_fields: JSON.stringify(doc.fields) };
}
