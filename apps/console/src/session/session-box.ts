import { Sealer } from '@millrace/sealing';

const CONTEXT = 'console:session';
const MAX_COOKIE = 8192;

/**
 * Seals the session cookie with the one sealing of Millrace (libs/sealing: AES-256-GCM, key id,
 * a context as associated data), so a cookie can be neither read nor altered by the browser. Any
 * replica with the same secret opens what another sealed.
 */
export class SessionBox {
  private readonly sealer: Sealer;

  constructor(secret: string, oldSecrets: readonly string[] = []) {
    this.sealer = new Sealer(secret, oldSecrets);
  }

  seal(value: unknown): string {
    return this.sealer.sealJson(CONTEXT, value);
  }

  /** The sealed value, or undefined for anything altered, foreign or malformed. */
  open<T>(sealed: string | undefined): T | undefined {
    if (!sealed || sealed.length > MAX_COOKIE) return undefined;
    try {
      return this.sealer.openJson<T>(CONTEXT, sealed);
    } catch {
      return undefined;
    }
  }
}
