import { z } from 'zod';
import { ROLES } from '@millrace/auth-token';
import { named, timestampSchema, uuidSchema, nonBlank } from '@millrace/service-kit';
import { PASSWORD_MIN_LENGTH } from '../config';

export const addMemberBodySchema = named('AddMemberRequest', z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  role: z.enum(ROLES).default('member'),
  password: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(1024).optional()
    .describe('the initial password of a new user (ignored for an existing one)'),
  name: nonBlank(200).optional(),
}).strict());

export const changeRoleBodySchema = named('ChangeRoleRequest', z.object({ role: z.enum(ROLES) }).strict());

export const memberParamsSchema = z.object({ userId: uuidSchema.transform((id) => id.toLowerCase()) }).strict();

export const memberViewSchema = named('Member', z.object({
  userId: z.string().uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  joinedAt: timestampSchema,
}));

export const addedMemberSchema = named('AddedMember', memberViewSchema.extend({
  userCreated: z.boolean().describe('true when a new user account was made'),
}));

export const memberListSchema = named('MemberList', z.object({ members: z.array(memberViewSchema) }));
