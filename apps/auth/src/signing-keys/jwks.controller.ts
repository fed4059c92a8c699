import { Controller, Get, Header } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { JSONWebKeySet } from 'jose';
import { AUTH_TOKEN_SUBJECTS } from '@millrace/auth-token';
import { ApiTag, Endpoint, PublicRoute } from '@millrace/service-kit';
import { jwksSchema } from '../sessions/sessions.schemas';
import { SigningKeysService } from './signing-keys.service';

/** The public keys that verify session access tokens: over HTTP for anyone, over NATS for the services. */
@ApiTag('sessions')
@PublicRoute()
@Controller()
export class JwksController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @Endpoint({ summary: 'Public keys (JWKS) that verify session access tokens', responses: { 200: jwksSchema } })
  jwks(): Promise<JSONWebKeySet> {
    return this.signingKeys.jwks();
  }

  @MessagePattern(AUTH_TOKEN_SUBJECTS.jwks)
  jwksOverNats(): Promise<JSONWebKeySet> {
    return this.signingKeys.jwks();
  }
}
