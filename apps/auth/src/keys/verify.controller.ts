import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_SUBJECTS } from '@millrace/log-schema';
import type { VerifyKeyReply, VerifyKeyRequest } from '@millrace/auth-token';
import { KeysService } from './keys.service';

/** Answers `auth.keys.verify` for every other service. Only hashes travel over NATS. */
@Controller()
export class VerifyController {
  constructor(private readonly keys: KeysService) {}

  @MessagePattern(AUTH_SUBJECTS.verifyKey)
  async verify(@Payload() request: VerifyKeyRequest): Promise<VerifyKeyReply> {
    if (typeof request?.keyHash !== 'string' || !/^[0-9a-f]{64}$/.test(request.keyHash)) return { valid: false };
    const result = await this.keys.verify(request.keyHash);
    return result ? { valid: true, principal: result.principal, ttlSeconds: result.ttlSeconds } : { valid: false };
  }
}
