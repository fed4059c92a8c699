/** The one way Millrace seals secrets at rest, with key ids for rotation. */
export { Sealer, SealError, isSealed, sealingConfigSchema } from './sealer';
export type { SealingConfig } from './sealer';
