/**
 * The one syslog grammar of Millrace: RFC 5424 (NILVALUE in every field, structured data with
 * escapes, BOM), RFC 3164 and its real-world variants, RFC 6587 framing, the year of a
 * year-less time, and what a message becomes as a line. Used by the ingest-gateway (TCP, TLS,
 * UDP, Logplex), the parser-worker (syslog lines inside other transports) and the drains.
 */
export { FACILITIES, REGISTERED_SD_IDS, NILVALUE } from './message';
export type { FacilityName, SdParams, StructuredData, SyslogMessage, PlainText, SyslogError, SyslogParseResult } from './message';
export { parseSyslog } from './parse';
export { parseStructuredData, formatStructuredData, escapeParamValue, isValidSdId, sdName } from './structured-data';
export type { SdRead } from './structured-data';
export { inferYear, readBsdTime, readRfc3339, formatBsdTime, digitsAt, fractionAt, monthAt } from './time';
export type { TimeRead } from './time';
export { formatRfc5424, formatRfc3164, octetCounted, priOf, severityOfLevel, headerField, HEADER_LIMITS } from './format';
export type { OutgoingMessage } from './format';
export { SyslogFramer, splitOctetCounted, DEFAULT_MAX_FRAME_BYTES } from './framing';
export type { FramerEvent, OctetCountedHandler } from './framing';
export { syslogLine, syslogFields, levelIsSeverity } from './record';
export type { SyslogFields, SyslogLine } from './record';
