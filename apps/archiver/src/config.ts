import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';

export const archiverConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema).merge(openSearchConfigSchema);
export type ArchiverConfig = z.infer<typeof archiverConfigSchema>;
