import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, natsConfigSchema } from '@millrace/service-kit';

export const authConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema).extend({
  /** Grace period during which a rotated key's old secret still works. */
  KEY_ROTATION_GRACE_SECONDS: z.coerce.number().int().min(0).max(30 * 86400).default(86400),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;
