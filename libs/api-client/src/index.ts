export { createQueryApiClient, createAuthClient, unwrap, MillraceApiError, isApiErrorBody, toApiError } from './client';
export type { MillraceClientOptions, ApiErrorBody, InvalidField } from './client';
export type { paths as QueryApiPaths, components as QueryApiComponents, operations as QueryApiOperations } from './generated/query-api';
export type { paths as AuthPaths, components as AuthComponents, operations as AuthOperations } from './generated/auth';
