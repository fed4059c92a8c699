// Shared set-up of the auth integration tests: the real PostgreSQL and NATS of the test stack
// (`node tools/stack/stack.mjs up --profile test`), the real AuthModule in-process on Fastify.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import { GlobalExceptionFilter, loadConfig, migrateSchema } from '@millrace/service-kit';
import { NatsModule } from '@millrace/messaging';
import { Controller, Get, Module } from '@nestjs/common';
import { Auth, AuthTokenModule, CurrentPrincipal, KeyVerifier, type Principal, type Role } from '@millrace/auth-token';
import { AuthModule } from '../src/app.module';
import { authConfigSchema, type AuthConfig } from '../src/config';
import { AUTH_SCHEMA, authDataSourceOptions } from '../src/data-source';
import { authMicroserviceOptions } from '../src/nats';
import { createFirstOwner } from '../src/users/first-owner';
import { DataSource } from 'typeorm';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const TEST_ENCRYPTION_KEY = 'auth-integration-tests-encryption-key-0123456789';

/** NATS_URL / DATABASE_URL from the environment, else from the test stack's settings file. */
export function stackEnv(): { NATS_URL: string; DATABASE_URL: string } {
  const file = path.join(REPO_ROOT, '.millrace', 'stack', 'test', 'stack.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const NATS_URL = process.env.NATS_URL ?? saved.NATS_URL;
  const DATABASE_URL = process.env.DATABASE_URL ?? saved.DATABASE_URL;
  if (!NATS_URL || !DATABASE_URL) throw new Error('start the test servers first: node tools/stack/stack.mjs up --profile test');
  return { NATS_URL, DATABASE_URL };
}

export function testConfig(overrides: Record<string, string> = {}): AuthConfig {
  return loadConfig(authConfigSchema, {
    ...stackEnv(),
    AUTH_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '1',
    LOGIN_ATTEMPTS_PER_MINUTE: '0',
    ...overrides,
  });
}

/** A unique, valid tenant id / e-mail local part per call. */
export function uid(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface Call {
  /** A session access token or a key, sent as `Authorization: Bearer`. */
  auth?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The client address (X-Forwarded-For; the service trusts its proxy as in production). */
  ip?: string;
}

/** Response bodies are loosely typed JSON: tests assert on their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface AuthApp {
  app: NestFastifyApplication;
  config: AuthConfig;
  call<T = Json>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, options?: Call): Promise<Reply<T>>;
  close(): Promise<void>;
}

/** Migrate, then boot the real AuthModule (HTTP via inject, NATS handlers live on the test NATS). */
export async function startAuth(config: AuthConfig = testConfig()): Promise<AuthApp> {
  await migrateSchema({ ...authDataSourceOptions(config), schema: AUTH_SCHEMA } as never);
  const app = await NestFactory.create<NestFastifyApplication>(
    AuthModule.forRoot(config), new FastifyAdapter({ trustProxy: true }), { logger: false },
  );
  app.useGlobalFilters(new GlobalExceptionFilter());
  app.connectMicroservice(authMicroserviceOptions(config));
  await app.startAllMicroservices();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, call: caller(app), close: () => app.close() };
}

/** In-process HTTP requests (Fastify inject) with a credential and a client address. */
function caller(app: NestFastifyApplication): AuthApp['call'] {
  return async (method, url, options: Call = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.authorization = `Bearer ${options.auth}`;
    if (options.ip) headers['x-forwarded-for'] = options.ip;
    const response = await app.getHttpAdapter().getInstance().inject({
      method, url, headers, ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
    return { status: response.statusCode, body: response.body ? safeJson(response.body) : undefined, headers: response.headers };
  };
}

function safeJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The KeyVerifier every other service uses, in a small Nest module on the same NATS. */
export async function startVerifier(config: AuthConfig = testConfig()): Promise<{ module: TestingModule; verifier: KeyVerifier }> {
  const module = await Test.createTestingModule({
    imports: [NatsModule.forRoot({ config, name: 'auth-test-verifier' }), AuthTokenModule.forRoot({ nats: config, global: false })],
  }).compile();
  await module.init();
  return { module, verifier: module.get(KeyVerifier) };
}

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, stepMs = 20): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    const elapsedMs = Date.now() - start;
    if (done(value) || elapsedMs > timeoutMs) return { value, elapsedMs };
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  token: string;
  refreshToken: string;
}

export interface TestKey {
  id: string;
  secret: string;
}

export interface OrgFixture {
  org: string;
  users: Record<Role, TestUser>;
  keys: { ingest: TestKey; read: TestKey; manage: TestKey };
}

export const PASSWORD = 'a long enough test password';

/** Log in and return the session, failing loudly when it does not work. */
export async function logIn(auth: AuthApp, email: string, password = PASSWORD, org?: string): Promise<{ token: string; refreshToken: string }> {
  const reply = await auth.call('POST', '/v1/sessions', { body: { email, password, ...(org ? { org } : {}) } });
  if (reply.status !== 201) throw new Error(`log-in of ${email} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { token: reply.body.accessToken, refreshToken: reply.body.refreshToken };
}

/**
 * A fresh organisation with one user of each role (the owner made the first-owner way, the rest
 * added through the API) and three keys: ingestion, service logs:read, service keys:manage.
 */
export async function createOrgFixture(auth: AuthApp, prefix = 'org'): Promise<OrgFixture> {
  const org = uid(prefix);
  const ownerEmail = `owner@${org}.example`;
  const db = auth.app.get(DataSource);
  const first = await createFirstOwner(db, { orgId: org, email: ownerEmail, password: PASSWORD });
  if (!first.created) throw new Error('fixture organisation unexpectedly had an owner');
  const ownerSession = await logIn(auth, ownerEmail);
  const users = { owner: { id: first.userId, email: ownerEmail, password: PASSWORD, role: 'owner', ...ownerSession } } as Record<Role, TestUser>;
  for (const role of ['admin', 'member', 'viewer'] as const) {
    const email = `${role}@${org}.example`;
    const added = await auth.call('POST', '/v1/members', { auth: ownerSession.token, body: { email, role, password: PASSWORD } });
    if (added.status !== 201) throw new Error(`adding ${role}: ${added.status} ${JSON.stringify(added.body)}`);
    users[role] = { id: added.body.userId, email, password: PASSWORD, role, ...(await logIn(auth, email)) };
  }
  const key = async (body: object): Promise<TestKey> => {
    const created = await auth.call('POST', '/v1/keys', { auth: ownerSession.token, body });
    if (created.status !== 201) throw new Error(`creating key: ${created.status} ${JSON.stringify(created.body)}`);
    return { id: created.body.id, secret: created.body.secret };
  };
  return {
    org,
    users,
    keys: {
      ingest: await key({ name: 'ingest', kind: 'ingest' }),
      read: await key({ name: 'reader', kind: 'service', scopes: ['logs:read'] }),
      manage: await key({ name: 'manager', kind: 'service', scopes: ['keys:manage', 'config:manage', 'logs:read'] }),
    },
  };
}

/**
 * A stand-in for any other Millrace service: AuthTokenModule's guard on every route, verifying
 * keys and session tokens through the auth service over NATS.
 */
export async function startProbeService(config: AuthConfig = testConfig()): Promise<{ app: NestFastifyApplication; call: AuthApp['call'] }> {

  @Controller('probe')
  class ProbeController {
    @Get('read')
    @Auth({ kinds: ['user', 'service'], scopes: ['logs:read'] })
    read(@CurrentPrincipal() principal: Principal): Principal {
      return principal;
    }

    @Get('write')
    @Auth({ kinds: ['ingest'], scopes: ['logs:write'], allowQueryToken: true })
    write(@CurrentPrincipal() principal: Principal): Principal {
      return principal;
    }

    @Get('admin')
    @Auth({ kinds: ['user'], roles: ['owner', 'admin'] })
    admin(@CurrentPrincipal() principal: Principal): Principal {
      return principal;
    }
  }

  @Module({
    imports: [NatsModule.forRoot({ config, name: 'auth-test-probe' }), AuthTokenModule.forRoot({ nats: config })],
    controllers: [ProbeController],
  })
  class ProbeModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new GlobalExceptionFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, call: caller(app) };
}
