/** Drain targets: one URL parser for the API that accepts them and the router that connects (addresses: @millrace/outbound-policy). */
export { parseDrainUrl, maskDrainUrl } from './target';
export type { DrainTarget, DrainTransport } from './target';
