import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { databaseConfigSchema, loadConfig, runMain } from '@millrace/service-kit';
import { displayPrefix, generateKey, hashKey, type KeyKind, type Scope } from '@millrace/auth-token';
import { isTenantId } from '@millrace/log-schema';
import { PASSWORD_MIN_LENGTH } from './config';
import { authDataSourceOptions } from './data-source';
import { ApiKey } from './keys/api-key.entity';
import { DEFAULT_ORG_SETTINGS, Organisation } from './orgs/organisation.entity';
import { createFirstOwner } from './users/first-owner';
import { hashPassword, normaliseEmail } from './users/passwords';
import { User } from './users/user.entity';

const USAGE = `usage:
  node apps/auth/dist/cli.js create-org --org <id> [--name <name>] [--ingest-key <name>] [--read-key <name>] [--admin-key <name>]
  node apps/auth/dist/cli.js create-owner --org <id> --email <email> [--password-file <file>]
  node apps/auth/dist/cli.js set-password --email <email> [--password-file <file>]

create-org   creates an organisation (if it does not exist) and, when asked, an ingestion key and a
             read-only service key. Prints JSON; the key secrets are shown only this once.
create-owner makes the first owner of an organisation (created if missing) for a fresh installation.
             The password is read from --password-file (first line) or AUTH_BOOTSTRAP_OWNER_PASSWORD.
             Refuses when the organisation already has an owner; an existing user keeps their password.
set-password sets an existing user's password (from --password-file or AUTH_BOOTSTRAP_OWNER_PASSWORD),
             unlocks the account and ends the user's sessions: an operator's way back in.
All need DATABASE_URL.`;

runMain(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      org: { type: 'string' }, name: { type: 'string' }, 'ingest-key': { type: 'string' }, 'read-key': { type: 'string' }, 'admin-key': { type: 'string' },
      email: { type: 'string' }, 'password-file': { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command === 'set-password') {
    if (!values.email) throw new Error(`set-password needs --email\n\n${USAGE}`);
    const password = ownerPassword(values['password-file']);
    const dataSource = new DataSource(authDataSourceOptions(loadConfig(databaseConfigSchema)));
    await dataSource.initialize();
    try {
      const user = await dataSource.getRepository(User).findOneBy({ email: normaliseEmail(values.email) });
      if (!user) throw new Error(`no user with the e-mail ${values.email}`);
      await dataSource.getRepository(User).update({ id: user.id }, { passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null });
      await dataSource.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
      process.stdout.write(`${JSON.stringify({ updated: true, userId: user.id, email: user.email })}\n`);
    } finally {
      await dataSource.destroy();
    }
    return;
  }
  if ((command !== 'create-org' && command !== 'create-owner') || !values.org) throw new Error(USAGE);
  if (!isTenantId(values.org)) throw new Error(`--org "${values.org}" must match [a-z0-9][a-z0-9_-]{0,62}`);
  const orgId = values.org;
  const password = command === 'create-owner' ? ownerPassword(values['password-file']) : '';
  if (command === 'create-owner' && !values.email) throw new Error(`create-owner needs --email\n\n${USAGE}`);

  const dataSource = new DataSource(authDataSourceOptions(loadConfig(databaseConfigSchema)));
  await dataSource.initialize();
  try {
    if (command === 'create-owner') {
      const result = await createFirstOwner(dataSource, { orgId, email: values.email!, password });
      if (!result.created) throw new Error(`organisation ${orgId} already has an owner; add more owners through the API (POST /v1/members)`);
      process.stdout.write(`${JSON.stringify({ ...result, email: values.email!.trim().toLowerCase() })}\n`);
      return;
    }
    const orgs = dataSource.getRepository(Organisation);
    const keys = dataSource.getRepository(ApiKey);
    let org = await orgs.findOneBy({ id: orgId });
    const created = !org;
    org ??= await orgs.save(orgs.create({ id: orgId, name: values.name ?? orgId, settings: DEFAULT_ORG_SETTINGS }));
    const out: Record<string, unknown> = { org: org.id, created };
    const makeKey = async (kind: KeyKind, name: string, scopes: Scope[]) => {
      const secret = generateKey(kind);
      await keys.save(keys.create({ orgId: org.id, kind, name, scopes, hash: hashKey(secret), prefix: displayPrefix(secret), lastUsedAt: null, expiresAt: null, revokedAt: null }));
      return secret;
    };
    if (values['ingest-key']) out.ingestKey = await makeKey('ingest', values['ingest-key'], ['logs:write']);
    if (values['read-key']) out.readKey = await makeKey('service', values['read-key'], ['logs:read']);
    // A service key that may read and configure everything of the organisation (automation, tests).
    if (values['admin-key']) out.adminKey = await makeKey('service', values['admin-key'], ['logs:read', 'config:manage', 'keys:manage']);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await dataSource.destroy();
  }
});

/** Never from the command line itself: argv is visible to every user of the machine. */
function ownerPassword(file: string | undefined): string {
  const password = file ? readFileSync(file, 'utf8').split(/\r?\n/)[0] : process.env.AUTH_BOOTSTRAP_OWNER_PASSWORD ?? '';
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new Error(`the owner password (from ${file ? '--password-file' : 'AUTH_BOOTSTRAP_OWNER_PASSWORD'}) must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  return password;
}
