import { assignableRoles, can } from './permissions';

describe('permissions', () => {
  it('gives viewers reading only', () => {
    expect(can('viewer', 'logs:read')).toBe(true);
    expect(can('viewer', 'config:manage')).toBe(false);
    expect(can('viewer', 'keys:manage')).toBe(false);
  });

  it('lets members configure but not manage keys or members', () => {
    expect(can('member', 'config:manage')).toBe(true);
    expect(can('member', 'keys:manage')).toBe(false);
    expect(can('member', 'members:manage')).toBe(false);
  });

  it('keeps the owner role for owners', () => {
    expect(can('admin', 'owner')).toBe(false);
    expect(assignableRoles('admin')).not.toContain('owner');
    expect(assignableRoles('owner')).toContain('owner');
    expect(assignableRoles('member')).toEqual([]);
    expect(can(undefined, 'logs:read')).toBe(false);
  });
});
