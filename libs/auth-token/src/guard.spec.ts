import { ForbiddenCredentialError } from './errors';
import { authorise } from './guard';
import type { Principal } from './principal';

describe('authorise', () => {
  const viewer: Principal = { tenant: 'acme', kind: 'user', role: 'viewer', scopes: ['logs:read'] };
  const serviceKey: Principal = { tenant: 'acme', kind: 'service', scopes: ['keys:manage'] };
  const ingestKey: Principal = { tenant: 'acme', kind: 'ingest', scopes: ['logs:write'] };

  it('checks kinds, roles (for users) and scopes', () => {
    expect(() => authorise(viewer, { kinds: ['user'], scopes: ['logs:read'] })).not.toThrow();
    expect(() => authorise(ingestKey, { kinds: ['user', 'service'] })).toThrow('a ingest credential cannot be used here (needs user or service)');
    expect(() => authorise(viewer, { roles: ['owner', 'admin'] })).toThrow('the role viewer cannot do this (needs owner or admin)');
    expect(() => authorise(serviceKey, { roles: ['owner', 'admin'], scopes: ['keys:manage'] })).not.toThrow();
    expect(() => authorise(viewer, { scopes: ['keys:manage'] })).toThrow(ForbiddenCredentialError);
    expect(() => authorise(serviceKey, { scopes: ['logs:read'] })).toThrow('the service key lacks the scope logs:read');
  });
});
