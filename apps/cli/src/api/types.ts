import type { AuthComponents, QueryApiComponents, QueryApiOperations } from '@millrace/api-client';

/** The shapes of the query API and auth, as their OpenAPI documents (and so their zod schemas) define them. */
export type QuerySchemas = QueryApiComponents['schemas'];
export type AuthSchemas = AuthComponents['schemas'];

/** The query parameters of a query API operation. */
export type QueryParams<Op extends keyof QueryApiOperations> = NonNullable<QueryApiOperations[Op]['parameters']['query']>;

/**
 * A body built from the user's JSON and flags. The CLI does not second-guess it: the service
 * validates it against the same schema and answers with every invalid field by name.
 */
export function userBody<T>(body: Record<string, unknown>): NonNullable<T> {
  return body as NonNullable<T>;
}
