import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';

export const alerterConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema).merge(openSearchConfigSchema);
export type AlerterConfig = z.infer<typeof alerterConfigSchema>;
