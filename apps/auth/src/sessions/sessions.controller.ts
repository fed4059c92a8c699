import { Controller, Delete, Get, HttpCode, Ip, Post } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, PublicRoute, ValidBody } from '@millrace/service-kit';
import { SessionsService } from './sessions.service';
import { logInBodySchema, refreshBodySchema, sessionTokensSchema, switchBodySchema, userOrganisationsSchema } from './sessions.schemas';

type SessionTokens = z.infer<typeof sessionTokensSchema>;

@ApiTag('sessions')
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @PublicRoute()
  @Endpoint({
    summary: 'Log in: a 15-minute access token (EdDSA JWT) and a one-time refresh token. 5 wrong passwords in a row lock the account for 15 min',
    requestExample: { email: 'ada@example.com', password: 'correct horse battery staple', org: 'acme' },
    responses: { 201: sessionTokensSchema },
    errors: [401, 403, 429],
  })
  logIn(@ValidBody(logInBodySchema) body: z.infer<typeof logInBodySchema>, @Ip() address: string): Promise<SessionTokens> {
    return this.sessions.logIn(body, address);
  }

  @Post('refresh')
  @PublicRoute()
  @HttpCode(200)
  @Endpoint({
    summary: 'New access and refresh tokens for a refresh token (each works once; reusing one ends the session)',
    requestExample: { refreshToken: 'mlr_rt_…' },
    responses: { 200: sessionTokensSchema },
    errors: [401],
  })
  refresh(@ValidBody(refreshBodySchema) body: z.infer<typeof refreshBodySchema>): Promise<SessionTokens> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('switch')
  @HttpCode(200)
  @Auth({ kinds: ['user'] })
  @Endpoint({
    summary: 'Move to another organisation you belong to: this session ends, a new one starts there (new access and refresh tokens)',
    requestExample: { org: 'acme' },
    responses: { 200: sessionTokensSchema },
    errors: [401, 403],
  })
  switchOrg(@CurrentPrincipal() principal: Principal, @ValidBody(switchBodySchema) body: z.infer<typeof switchBodySchema>): Promise<SessionTokens> {
    return this.sessions.switchOrg(principal, body.org);
  }

  @Get('organisations')
  @Auth({ kinds: ['user'] })
  @Endpoint({ summary: 'The organisations you belong to and your role in each', responses: { 200: userOrganisationsSchema } })
  organisations(@CurrentPrincipal() principal: Principal): Promise<z.infer<typeof userOrganisationsSchema>> {
    return this.sessions.organisationsOf(principal);
  }

  @Delete('current')
  @HttpCode(204)
  @Auth({ kinds: ['user'] })
  @Endpoint({ summary: 'Log out: this session’s refresh tokens stop working (its access token expires within 15 min)', responses: { 204: null } })
  async logOut(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.logOut(principal);
  }

  @Delete()
  @HttpCode(204)
  @Auth({ kinds: ['user'] })
  @Endpoint({ summary: 'Log out everywhere: every refresh token of the user stops working', responses: { 204: null } })
  async logOutEverywhere(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.logOutEverywhere(principal);
  }
}
