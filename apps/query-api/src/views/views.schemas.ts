import { z } from 'zod';
import { named, uuidSchema, nonBlank } from '@millrace/service-kit';
import { timeBoundSchema } from '../search/params.schemas';

export const viewSchema = named('SavedViewRequest', z.object({
  name: nonBlank(200),
  query: z.string().max(4096).default(''),
  from: timeBoundSchema.default('-1h'),
  to: timeBoundSchema.nullable().optional(),
}).strict(), { example: { name: 'checkout errors', query: 'app:checkout level:error', from: '-24h' } });
export const viewPatchSchema = named('SavedViewPatch', viewSchema.partial());

export const viewIdParamsSchema = z.object({ id: uuidSchema }).strict();

export const viewOutputSchema = named('SavedView', z.object({
  id: z.string(),
  name: z.string(),
  query: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}));
export type ViewOutput = z.infer<typeof viewOutputSchema>;
