/**
 * Pure decoders from each ingestion protocol's request body to RawLine[]. No I/O: the HTTP
 * and TCP servers call them with the body and what they extracted from the request
 * (see PROTOCOLS.md for every endpoint's mapping, limits and error answers).
 */
export { REQUEST_LIMITS, SYSLOG_LIMITS, GELF_LIMITS } from './limits';
export { ProtocolError, type ProtocolErrorStatus } from './errors';
export type { DecodeContext, DecodeResult, Decoder, Rejection } from './types';
export { decompressBody } from './decompress';
export type { LineInput } from './result';
export { decodeMezmoIngest } from './mezmo';
export { decodeV1Ingest, decodeNdjson, decodePlainText } from './ndjson';
export { decodeLogplex, type LogplexResult } from './logplex';
export {
  decodeEsBulk, decodeEsDocument, esDocumentResponse, bulkResponse, esRootInfo, esCompatResponse, ES_PRODUCT_HEADERS, ES_COMPAT_VERSION,
  type BulkItem, type BulkOutcome, type EsBulkResult, type EsDocumentResult, type EsCompatResponse,
} from './es-bulk';
export {
  decodeOtlpLogs, decodeOtlpJson, decodeOtlpProtobuf, otlpFormat, otlpSuccessResponse, otlpErrorResponse,
  type OtlpFormat, type OtlpResponse,
} from './otlp';
export { OtlpTypes, OTLP_DESCRIPTOR } from './otlp-proto';
export { decodeLokiPush, decodeLokiJson, decodeLokiProtobuf, parseLokiLabels, LokiTypes } from './loki';
export {
  decodeHecEvent, decodeHecRaw, hecResponse, hecErrorResponse, JsonObjectSplitter, HEC_CODES,
  type HecResult, type HecError,
} from './splunk-hec';
export {
  decodeGelfHttp, decodeGelfMessage, GelfChunkAssembler,
  type GelfDatagramResult, type GelfAssemblerOptions, type GelfAssemblerStats,
} from './gelf';
export { decodeLogscaleStructured, decodeLogscaleUnstructured } from './logscale';
export { parseSyslog, findKeyInStructuredData, leadingKeyEnd, KEY_SD_IDS, type ParsedSyslog } from './syslog';
