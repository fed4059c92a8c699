import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { databaseConfigSchema, loadConfig, runMain } from '@millrace/service-kit';
import { displayPrefix, generateKey, hashKey, type KeyKind, type Scope } from '@millrace/auth-token';
import { isTenantId } from '@millrace/log-schema';
import { authDataSourceOptions } from './data-source';
import { ApiKey } from './keys/api-key.entity';
import { DEFAULT_ORG_SETTINGS, Organisation } from './orgs/organisation.entity';

const USAGE = `usage: node apps/auth/dist/cli.js create-org --org <id> [--name <name>] [--ingest-key <name>] [--read-key <name>]

Creates an organisation (if it does not exist) and, when asked, an ingestion key and a
read-only service key. Prints JSON; the key secrets are shown only this once.`;

runMain(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { org: { type: 'string' }, name: { type: 'string' }, 'ingest-key': { type: 'string' }, 'read-key': { type: 'string' } },
  });
  if (positionals[0] !== 'create-org' || !values.org) throw new Error(USAGE);
  if (!isTenantId(values.org)) throw new Error(`--org "${values.org}" must match [a-z0-9][a-z0-9_-]{0,62}`);
  const dataSource = new DataSource(authDataSourceOptions(loadConfig(databaseConfigSchema)));
  await dataSource.initialize();
  try {
    const orgs = dataSource.getRepository(Organisation);
    const keys = dataSource.getRepository(ApiKey);
    let org = await orgs.findOneBy({ id: values.org });
    const created = !org;
    org ??= await orgs.save(orgs.create({ id: values.org, name: values.name ?? values.org, settings: DEFAULT_ORG_SETTINGS }));
    const out: Record<string, unknown> = { org: org.id, created };
    const makeKey = async (kind: KeyKind, name: string, scopes: Scope[]) => {
      const secret = generateKey(kind);
      await keys.save(keys.create({ orgId: org.id, kind, name, scopes, hash: hashKey(secret), prefix: displayPrefix(secret), lastUsedAt: null, expiresAt: null, revokedAt: null }));
      return secret;
    };
    if (values['ingest-key']) out.ingestKey = await makeKey('ingest', values['ingest-key'], ['logs:write']);
    if (values['read-key']) out.readKey = await makeKey('service', values['read-key'], ['logs:read']);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await dataSource.destroy();
  }
});
