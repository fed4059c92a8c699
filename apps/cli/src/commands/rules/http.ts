import { call, type Services } from '../../api/clients';
import { ApiError } from '../../api/errors';
import { userBody, type QuerySchemas } from '../../api/types';
import type { ResourceApi } from '../shared/resource';

/**
 * Rules are what happens to lines as they arrive: `exclude` and `sample` (routing rules, applied
 * by the broker-router before parsing) and `parse` (parsing rules, applied by the parser-worker).
 * One noun for both; the kind says which API holds a rule.
 */
export type RuleKind = 'exclude' | 'sample' | 'parse';
type RoutingRule = QuerySchemas['RoutingRule'];
type ParsingRule = QuerySchemas['ParsingRule'];
export type Rule = RoutingRule | (ParsingRule & { kind: 'parse' });

const parsing = (rule: ParsingRule): Rule => ({ ...rule, kind: 'parse' });
const path = (id: string) => ({ params: { path: { id } } });

/** Which API holds the rule with this id (ids are unique across both). */
async function locate(s: Services, id: string): Promise<Rule> {
  try {
    return await call('query', s.query.GET('/v1/routing-rules/{id}', path(id)));
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
  }
  return parsing(await call('query', s.query.GET('/v1/parsing-rules/{id}', path(id))));
}

function withoutKind(body: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, ...rest } = body;
  return rest;
}

export const rulesApi: ResourceApi<Rule> = {
  list: async (s) => {
    const [routing, parse] = await Promise.all([call('query', s.query.GET('/v1/routing-rules', {})), call('query', s.query.GET('/v1/parsing-rules', {}))]);
    return [...routing, ...parse.map(parsing)];
  },
  get: locate,
  create: async (s, body) => body.kind === 'parse'
    ? parsing(await call('query', s.query.POST('/v1/parsing-rules', { body: userBody(withoutKind(body)) })))
    : call('query', s.query.POST('/v1/routing-rules', { body: userBody(body) })),
  update: async (s, id, body) => (await locate(s, id)).kind === 'parse'
    ? parsing(await call('query', s.query.PATCH('/v1/parsing-rules/{id}', { ...path(id), body: userBody(withoutKind(body)) })))
    : call('query', s.query.PATCH('/v1/routing-rules/{id}', { ...path(id), body: userBody(body) })),
  remove: async (s, id) => {
    if ((await locate(s, id)).kind === 'parse') await call('query', s.query.DELETE('/v1/parsing-rules/{id}', path(id)));
    else await call('query', s.query.DELETE('/v1/routing-rules/{id}', path(id)));
  },
};
