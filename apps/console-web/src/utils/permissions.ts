import type { Role } from '../api/types';

/** What a role may do, as the services enforce it (the page only hides what would be refused). */
export type Capability = 'logs:read' | 'config:manage' | 'keys:manage' | 'members:manage' | 'org:settings' | 'owner';

const GRANTS: Record<Role, readonly Capability[]> = {
  owner: ['logs:read', 'config:manage', 'keys:manage', 'members:manage', 'org:settings', 'owner'],
  admin: ['logs:read', 'config:manage', 'keys:manage', 'members:manage', 'org:settings'],
  member: ['logs:read', 'config:manage'],
  viewer: ['logs:read'],
};

export function can(role: Role | undefined, capability: Capability): boolean {
  return role ? GRANTS[role].includes(capability) : false;
}

/** Roles a user may hand out: owners any, admins all but owner. */
export function assignableRoles(role: Role | undefined): Role[] {
  if (role === 'owner') return ['owner', 'admin', 'member', 'viewer'];
  if (role === 'admin') return ['admin', 'member', 'viewer'];
  return [];
}
