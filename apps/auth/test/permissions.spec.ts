// Who may do what inside one organisation.
import { AuthApp, OrgFixture, PASSWORD, createOrgFixture, logIn, startAuth, uid } from './support';

describe('roles and key permissions', () => {
  let auth: AuthApp;
  let f: OrgFixture;

  beforeAll(async () => {
    auth = await startAuth();
  });
  beforeEach(async () => {
    f = await createOrgFixture(auth, 'perm');
  });
  afterAll(() => auth?.close());

  it('an ingestion key cannot manage anything', async () => {
    const key = f.keys.ingest.secret;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/v1/org'],
      ['PATCH', '/v1/org/settings', { retentionClass: 'r7' }],
      ['GET', '/v1/members'],
      ['POST', '/v1/members', { email: `${uid('x')}@example.com`, role: 'viewer', password: PASSWORD }],
      ['PATCH', `/v1/members/${f.users.member.id}`, { role: 'admin' }],
      ['DELETE', `/v1/members/${f.users.viewer.id}`],
      ['GET', '/v1/keys'],
      ['POST', '/v1/keys', { name: 'more', kind: 'ingest' }],
      ['POST', `/v1/keys/${f.keys.read.id}/rotate`, {}],
      ['DELETE', `/v1/keys/${f.keys.read.id}`],
      ['DELETE', `/v1/keys/${f.keys.ingest.id}`],
      ['DELETE', '/v1/sessions'],
    ];
    for (const [method, url, body] of attempts) {
      const reply = await auth.call(method as never, url, { auth: key, body });
      expect({ method, url, status: reply.status }).toEqual({ method, url, status: 403 });
      expect(reply.body.error.message).toMatch(/ingest credential cannot be used here/);
    }
    expect((await auth.call('GET', '/v1/me', { auth: key })).body).toMatchObject({ kind: 'ingest', scopes: ['logs:write'] });
  });

  it('viewers and members cannot create, rotate or revoke keys; a read-only service key neither', async () => {
    for (const credential of [f.users.viewer.token, f.users.member.token, f.keys.read.secret]) {
      expect((await auth.call('POST', '/v1/keys', { auth: credential, body: { name: 'k', kind: 'ingest' } })).status).toBe(403);
      expect((await auth.call('POST', `/v1/keys/${f.keys.read.id}/rotate`, { auth: credential, body: {} })).status).toBe(403);
      expect((await auth.call('DELETE', `/v1/keys/${f.keys.ingest.id}`, { auth: credential })).status).toBe(403);
      expect((await auth.call('GET', '/v1/keys', { auth: credential })).status).toBe(403);
    }
    const viewer = await auth.call('POST', '/v1/keys', { auth: f.users.viewer.token, body: { name: 'k', kind: 'service' } });
    expect(viewer.body.error.message).toBe('the role viewer lacks the scope keys:manage');
  });

  it('owners, admins and keys:manage service keys manage keys, granting no scope they lack', async () => {
    for (const credential of [f.users.owner.token, f.users.admin.token, f.keys.manage.secret]) {
      const created = await auth.call('POST', '/v1/keys', { auth: credential, body: { name: 'svc', kind: 'service', scopes: ['logs:read', 'config:manage'] } });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^mlr_sk_/);
      expect(created.body.prefix).toBe(created.body.secret.slice(0, 13));
      const ingest = await auth.call('POST', '/v1/keys', { auth: credential, body: { name: 'in', kind: 'ingest' } });
      expect(ingest.body).toMatchObject({ kind: 'ingest', scopes: ['logs:write'] });
      expect((await auth.call('DELETE', `/v1/keys/${created.body.id}`, { auth: credential })).status).toBe(204);
    }
    // A key holding only keys:manage cannot mint a logs:read key.
    const narrow = await auth.call('POST', '/v1/keys', { auth: f.users.owner.token, body: { name: 'narrow', kind: 'service', scopes: ['keys:manage'] } });
    const escalate = await auth.call('POST', '/v1/keys', { auth: narrow.body.secret, body: { name: 'wide', kind: 'service', scopes: ['logs:read'] } });
    expect(escalate.status).toBe(403);
    expect(escalate.body.error.message).toMatch(/cannot grant a scope the caller does not hold: logs:read/);
    // Nobody makes a service key with members:manage or a writing ingestion key with other scopes.
    expect((await auth.call('POST', '/v1/keys', { auth: f.users.owner.token, body: { name: 'm', kind: 'service', scopes: ['members:manage'] } })).status).toBe(400);
    expect((await auth.call('POST', '/v1/keys', { auth: f.users.owner.token, body: { name: 'i', kind: 'ingest', scopes: ['logs:read'] } })).status).toBe(400);
  });

  it('members and viewers cannot change roles, add or remove members; admins cannot touch owners', async () => {
    for (const role of ['member', 'viewer'] as const) {
      const token = f.users[role].token;
      const change = await auth.call('PATCH', `/v1/members/${f.users.viewer.id}`, { auth: token, body: { role: 'member' } });
      expect(change.status).toBe(403);
      expect(change.body.error.message).toBe(`the role ${role} cannot do this (needs owner or admin)`);
      expect((await auth.call('PATCH', `/v1/members/${f.users[role].id}`, { auth: token, body: { role: 'admin' } })).status).toBe(403);
      expect((await auth.call('DELETE', `/v1/members/${f.users.admin.id}`, { auth: token })).status).toBe(403);
      expect((await auth.call('POST', '/v1/members', { auth: token, body: { email: `${uid('n')}@example.com`, password: PASSWORD } })).status).toBe(403);
    }
    const admin = f.users.admin.token;
    expect((await auth.call('PATCH', `/v1/members/${f.users.member.id}`, { auth: admin, body: { role: 'owner' } })).body.error.message)
      .toBe('only owners can grant or revoke the owner role');
    expect((await auth.call('PATCH', `/v1/members/${f.users.owner.id}`, { auth: admin, body: { role: 'member' } })).status).toBe(403);
    expect((await auth.call('DELETE', `/v1/members/${f.users.owner.id}`, { auth: admin })).status).toBe(403);
    expect((await auth.call('POST', '/v1/members', { auth: admin, body: { email: `${uid('o')}@example.com`, role: 'owner', password: PASSWORD } })).status).toBe(403);
    // What admins may do.
    const promoted = await auth.call('PATCH', `/v1/members/${f.users.viewer.id}`, { auth: admin, body: { role: 'admin' } });
    expect(promoted.body).toMatchObject({ userId: f.users.viewer.id, role: 'admin' });
    expect((await auth.call('PATCH', `/v1/members/${f.users.viewer.id}`, { auth: admin, body: { role: 'viewer' } })).status).toBe(200);
    // Service keys never manage members.
    expect((await auth.call('GET', '/v1/members', { auth: f.keys.manage.secret })).status).toBe(403);
  });

  it('the last owner cannot be removed or demoted (409); with a second owner they can', async () => {
    const owner = f.users.owner;
    const demote = await auth.call('PATCH', `/v1/members/${owner.id}`, { auth: owner.token, body: { role: 'admin' } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toBe(`cannot demote the last owner of organisation ${f.org}: make another member owner first`);
    const remove = await auth.call('DELETE', `/v1/members/${owner.id}`, { auth: owner.token });
    expect(remove.status).toBe(409);
    expect(remove.body.error.message).toMatch(/cannot remove the last owner/);

    expect((await auth.call('PATCH', `/v1/members/${f.users.admin.id}`, { auth: owner.token, body: { role: 'owner' } })).status).toBe(200);
    expect((await auth.call('PATCH', `/v1/members/${owner.id}`, { auth: owner.token, body: { role: 'member' } })).status).toBe(200);
    // The old owner's session now has a member's rights here at once.
    expect((await auth.call('GET', '/v1/me', { auth: owner.token })).body.role).toBe('member');
    const newOwner = f.users.admin.token;
    expect((await auth.call('DELETE', `/v1/members/${f.users.admin.id}`, { auth: newOwner })).status).toBe(409);
    expect((await auth.call('DELETE', `/v1/members/${owner.id}`, { auth: newOwner })).status).toBe(204);
    // A removed member's session no longer works at the auth service, nor can it be refreshed.
    expect((await auth.call('GET', '/v1/me', { auth: owner.token })).status).toBe(401);
    expect((await auth.call('POST', '/v1/sessions/refresh', { body: { refreshToken: owner.refreshToken } })).status).toBe(401);
  });

  it('adds members: new users need a password, e-mails are normalised and unique', async () => {
    const owner = f.users.owner.token;
    const email = `${uid('New')}@Example.COM`;
    expect((await auth.call('POST', '/v1/members', { auth: owner, body: { email, role: 'member' } })).status).toBe(400);
    const short = await auth.call('POST', '/v1/members', { auth: owner, body: { email, password: 'short' } });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).not.toContain('short"');
    const added = await auth.call('POST', '/v1/members', { auth: owner, body: { email: `  ${email} `, password: PASSWORD, name: 'New' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email: email.toLowerCase(), role: 'member', userCreated: true, name: 'New' });
    const again = await auth.call('POST', '/v1/members', { auth: owner, body: { email: email.toUpperCase(), role: 'viewer' } });
    expect(again.status).toBe(409);
    await logIn(auth, ` ${email.toUpperCase()} `);
  });

  it('org settings: readable by every member and service key, changeable by owner and admin only', async () => {
    for (const credential of [f.users.viewer.token, f.users.member.token, f.keys.read.secret]) {
      const read = await auth.call('GET', '/v1/org', { auth: credential });
      expect(read.body).toMatchObject({ id: f.org, settings: { retentionClass: 'r30', dailyQuotaBytes: 0, ingestRateLimit: 0 } });
    }
    for (const credential of [f.users.viewer.token, f.users.member.token, f.keys.manage.secret]) {
      expect((await auth.call('PATCH', '/v1/org/settings', { auth: credential, body: { retentionClass: 'r7' } })).status).toBe(403);
    }
    expect((await auth.call('PATCH', '/v1/org/settings', { auth: f.users.admin.token, body: { retentionClass: 'r5' } })).status).toBe(400);
    expect((await auth.call('PATCH', '/v1/org/settings', { auth: f.users.admin.token, body: { dailyQuotaBytes: -1 } })).status).toBe(400);
    expect((await auth.call('PATCH', '/v1/org/settings', { auth: f.users.admin.token, body: {} })).status).toBe(400);
    const changed = await auth.call('PATCH', '/v1/org/settings', { auth: f.users.admin.token, body: { retentionClass: 'r365', ingestRateLimit: 500 } });
    expect(changed.body.settings).toEqual({ retentionClass: 'r365', dailyQuotaBytes: 0, ingestRateLimit: 500 });
  });

  it('refuses requests without or with a wrong credential (401)', async () => {
    expect((await auth.call('GET', '/v1/org')).status).toBe(401);
    expect((await auth.call('GET', '/v1/org', { auth: 'mlr_sk_' + 'A'.repeat(43) })).status).toBe(401);
    expect((await auth.call('GET', '/v1/org', { auth: 'not-a-jwt' })).status).toBe(401);
    expect((await auth.call('GET', '/v1/keys/../org', { auth: 'x' })).status).toBe(401);
  });
});
