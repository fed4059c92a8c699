import { Body, Controller, Delete, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { PublicRoute } from '@millrace/service-kit';
import { ZodBody } from '../common/zod-body';
import { SessionsService, type SessionTokens } from './sessions.service';

const LogInBody = z.object({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(1024),
  org: z.string().max(63).optional(),
}).strict();

const RefreshBody = z.object({ refreshToken: z.string().min(1).max(200) }).strict();

@ApiTags('sessions')
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @PublicRoute()
  @ApiOperation({
    summary: 'Log in: a 15-minute access token (EdDSA JWT) and a one-time refresh token. 5 wrong passwords in a row lock the account for 15 min',
  })
  @ApiBody({ schema: { type: 'object', example: { email: 'ada@example.com', password: '…', org: 'acme' } } })
  logIn(@Body(new ZodBody(LogInBody)) body: z.infer<typeof LogInBody>, @Ip() address: string): Promise<SessionTokens> {
    return this.sessions.logIn(body, address);
  }

  @Post('refresh')
  @PublicRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'New access and refresh tokens for a refresh token (each works once; reusing one ends the session)' })
  @ApiBody({ schema: { type: 'object', example: { refreshToken: 'mlr_rt_…' } } })
  refresh(@Body(new ZodBody(RefreshBody)) body: z.infer<typeof RefreshBody>): Promise<SessionTokens> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Delete('current')
  @HttpCode(204)
  @ApiBearerAuth()
  @Auth({ kinds: ['user'] })
  @ApiOperation({ summary: 'Log out: this session’s refresh tokens stop working (its access token expires within 15 min)' })
  async logOut(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.logOut(principal);
  }

  @Delete()
  @HttpCode(204)
  @ApiBearerAuth()
  @Auth({ kinds: ['user'] })
  @ApiOperation({ summary: 'Log out everywhere: every refresh token of the user stops working' })
  async logOutEverywhere(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.logOutEverywhere(principal);
  }
}
