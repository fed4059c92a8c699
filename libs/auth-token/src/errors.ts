import { HttpException, HttpStatus } from '@nestjs/common';

export class MissingCredentialError extends HttpException {
  constructor() {
    super({ message: 'a credential is required: send a key or session token as "Authorization: Bearer <key or token>"', code: 'unauthorized' }, HttpStatus.UNAUTHORIZED);
  }
}

export class InvalidCredentialError extends HttpException {
  constructor(what = 'key') {
    super({ message: `the ${what} is not valid (unknown, revoked or expired)`, code: 'unauthorized' }, HttpStatus.UNAUTHORIZED);
  }
}

export class ForbiddenCredentialError extends HttpException {
  constructor(message: string) {
    super({ message, code: 'forbidden' }, HttpStatus.FORBIDDEN);
  }
}

/** The auth service could not be asked and nothing is cached: shippers should retry, not drop. */
export class AuthUnavailableError extends HttpException {
  constructor() {
    super({ message: 'credentials cannot be verified right now; retry later', code: 'unavailable', retryAfterSeconds: 5 }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
