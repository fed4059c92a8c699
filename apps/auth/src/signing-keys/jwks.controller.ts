import { Controller, Get, Header } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JSONWebKeySet } from 'jose';
import { AUTH_TOKEN_SUBJECTS } from '@millrace/auth-token';
import { PublicRoute } from '@millrace/service-kit';
import { SigningKeysService } from './signing-keys.service';

/** The public keys that verify session access tokens: over HTTP for anyone, over NATS for the services. */
@ApiTags('sessions')
@PublicRoute()
@Controller()
export class JwksController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys (JWKS) that verify session access tokens' })
  jwks(): Promise<JSONWebKeySet> {
    return this.signingKeys.jwks();
  }

  @MessagePattern(AUTH_TOKEN_SUBJECTS.jwks)
  jwksOverNats(): Promise<JSONWebKeySet> {
    return this.signingKeys.jwks();
  }
}
