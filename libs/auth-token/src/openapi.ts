import type { Type } from '@nestjs/common';
import { PUBLIC_ROUTE, type OperationSecurity } from '@millrace/service-kit';
import { AUTH_REQUIREMENT, type AuthRequirement } from './guard';
import { KEY_PREFIXES } from './keys';

/** The credentials of the HTTP APIs, as OpenAPI security schemes. */
export const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http', scheme: 'bearer', bearerFormat: 'mlr_…',
    description: `An API key in \`Authorization: Bearer …\`: an ingestion key (\`${KEY_PREFIXES.ingest}…\`, write only) or a service key `
      + `(\`${KEY_PREFIXES.service}…\`, with scopes). Created with POST /v1/keys on the auth service; shown once.`,
  },
  session: {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    description: 'A session access token (EdDSA JWT, 15 minutes) from POST /v1/sessions on the auth service; renew it with POST /v1/sessions/refresh.',
  },
  queryToken: {
    type: 'apiKey', in: 'query', name: 'token',
    description: 'The key as `?token=`, only on the routes that say so (EventSource and WebSocket clients cannot set headers).',
  },
} as const;

/** The security of a route requiring these credentials (null requirement = public route). */
export function securityOf(requirement: AuthRequirement | null): OperationSecurity | null {
  if (!requirement) return null;
  const kinds = requirement.kinds ?? ['user', 'service', 'ingest'];
  const requirements: OperationSecurity['requirements'] = [];
  if (kinds.includes('service') || kinds.includes('ingest')) requirements.push({ apiKey: [] });
  if (kinds.includes('user')) requirements.push({ session: [] });
  if (requirement.allowQueryToken) requirements.push({ queryToken: [] });
  const keyKinds = kinds.filter((k) => k !== 'user').map((k) => `${k} key`);
  const parts = [`Credentials: ${[...keyKinds, ...(kinds.includes('user') ? ['session'] : [])].join(', ')}.`];
  if (requirement.scopes?.length) parts.push(`Scopes needed: ${requirement.scopes.join(', ')}.`);
  if (requirement.roles?.length) parts.push(`Roles allowed (sessions): ${requirement.roles.join(', ')}.`);
  return {
    requirements,
    note: parts.join(' '),
    extensions: {
      'x-credential-kinds': kinds,
      ...(requirement.scopes?.length ? { 'x-required-scopes': requirement.scopes } : {}),
      ...(requirement.roles?.length ? { 'x-allowed-roles': requirement.roles } : {}),
    },
  };
}

/** Reads a route's requirement as the guard does: the handler's first, then its controller's. */
export function routeSecurity(handler: object, controller: Type<unknown>): OperationSecurity | null {
  const pick = <T>(key: string): T | undefined => (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
  if (pick<boolean>(PUBLIC_ROUTE)) return null;
  return securityOf(pick<AuthRequirement>(AUTH_REQUIREMENT) ?? {});
}
