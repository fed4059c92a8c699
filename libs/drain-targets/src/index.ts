/** Drain targets: one parser and one address policy for the API that accepts them and the router that connects. */
export { parseDrainUrl, isPrivateAddress, checkPublicTarget, maskDrainUrl } from './target';
export type { DrainTarget, DrainTransport } from './target';
