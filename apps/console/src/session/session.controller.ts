import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Inject } from '@nestjs/common';
import { z } from 'zod';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';
import { SessionCookies } from './cookies';
import { viewOf, type SessionData, type SessionView } from './session';
import { SessionService, type Organisation } from './session.service';

const LogIn = z.object({
  email: z.string().trim().min(1, 'enter your e-mail address').max(254),
  password: z.string().min(1, 'enter your password').max(1024),
  org: z.string().max(63).optional(),
}).strict();
const Switch = z.object({ org: z.string().min(1).max(63) }).strict();

function parse<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new BadRequestException({
      message: result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      details: { fields: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  return result.data;
}

/** Public settings the page needs (where shippers send logs), with no secret in them. */
export interface ConsoleSettings {
  ingestUrl?: string;
  syslog?: { host: string; tcpPort?: number; tlsPort?: number };
}

/**
 * The browser's session: log in, who am I, switch organisation, log out. Tokens never reach the
 * page; it gets a view of the session and the CSRF token in its own cookie.
 */
@Controller('session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  async current(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionView> {
    reply.header('cache-control', 'no-store');
    const session = this.cookies.read(request);
    if (!session) {
      this.cookies.ensureCsrfCookie(request, reply);
      throw new UnauthorizedException({ message: 'not logged in', code: 'not_logged_in' });
    }
    const fresh = await this.withSession(request, reply, session, (s) => this.sessions.fresh(s, String(request.id)));
    return viewOf(fresh.session);
  }

  @Post()
  @HttpCode(200)
  async logIn(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<SessionView> {
    this.cookies.checkCsrf(request, undefined);
    const input = parse(LogIn, body);
    const session = await this.sessions.logIn(input, request.ip, String(request.id));
    this.cookies.write(request, reply, session);
    return viewOf(session);
  }

  @Delete()
  @HttpCode(204)
  async logOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const session = this.cookies.read(request);
    this.cookies.checkCsrf(request, session);
    if (session) await this.sessions.logOut(session, String(request.id));
    this.cookies.clear(request, reply);
  }

  @Post('switch')
  @HttpCode(200)
  async switchOrg(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<SessionView> {
    const session = this.required(request);
    this.cookies.checkCsrf(request, session);
    const { org } = parse(Switch, body);
    const next = await this.withSession(request, reply, session, async (s) => ({ session: await this.sessions.switchOrg(s, org, String(request.id)), changed: true }));
    return viewOf(next.session);
  }

  @Get('organisations')
  async organisations(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Organisation[]> {
    const session = this.required(request);
    const result = await this.withSession(request, reply, session, (s) => this.sessions.organisations(s, String(request.id)));
    return result.organisations;
  }

  @Get('settings')
  settings(): ConsoleSettings {
    const c = this.config;
    return {
      ingestUrl: c.CONSOLE_PUBLIC_INGEST_URL,
      ...(c.CONSOLE_PUBLIC_SYSLOG_HOST ? { syslog: { host: c.CONSOLE_PUBLIC_SYSLOG_HOST, tcpPort: c.CONSOLE_PUBLIC_SYSLOG_TCP_PORT, tlsPort: c.CONSOLE_PUBLIC_SYSLOG_TLS_PORT } } : {}),
    };
  }

  private required(request: FastifyRequest): SessionData {
    const session = this.cookies.read(request);
    if (!session) throw new UnauthorizedException({ message: 'not logged in', code: 'not_logged_in' });
    return session;
  }

  /** Run with the session; write the cookie again when it changed, clear it when the session ended. */
  private async withSession<T extends { session: SessionData; changed: boolean }>(
    request: FastifyRequest, reply: FastifyReply, session: SessionData, run: (s: SessionData) => Promise<T>,
  ): Promise<T> {
    try {
      const result = await run(session);
      if (result.changed) this.cookies.write(request, reply, result.session);
      return result;
    } catch (error) {
      if ((error as { getStatus?: () => number }).getStatus?.() === 401) this.cookies.clear(request, reply);
      throw error;
    }
  }
}
