import { call, type Services } from '../../api/clients';
import { ApiError } from '../../api/errors';
import type { ResourceApi } from '../shared/resource';

/**
 * Rules are what happens to lines as they arrive: `exclude` and `sample` (routing rules, applied
 * by the broker-router before parsing) and `parse` (parsing rules, applied by the parser-worker).
 * One noun for both; the kind says which API holds a rule.
 */
export type RuleKind = 'exclude' | 'sample' | 'parse';

export interface Rule {
  id: string;
  name: string;
  kind: RuleKind;
  query?: string | null;
  enabled: boolean;
  action?: 'drop' | 'noIndex';
  rate?: number;
  app?: string | null;
  pattern?: { kind: 'regex' | 'grok'; source: string };
  position?: number;
}

const ROUTING = '/v1/routing-rules';
const PARSING = '/v1/parsing-rules';

const parsing = (rule: Omit<Rule, 'kind'>): Rule => ({ ...rule, kind: 'parse' });
const path = (id: string) => ({ params: { path: { id } } });

/** Which API holds the rule with this id (ids are unique across both). */
async function locate(s: Services, id: string): Promise<{ base: string; rule: Rule }> {
  try {
    return { base: ROUTING, rule: await call<Rule>('query', s.query.GET(`${ROUTING}/{id}`, path(id))) };
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
  }
  return { base: PARSING, rule: parsing(await call<Rule>('query', s.query.GET(`${PARSING}/{id}`, path(id)))) };
}

function withoutKind(body: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, ...rest } = body;
  return rest;
}

export const rulesApi: ResourceApi<Rule> = {
  list: async (s) => {
    const [routing, parse] = await Promise.all([
      call<Rule[]>('query', s.query.GET(ROUTING, {})),
      call<Array<Omit<Rule, 'kind'>>>('query', s.query.GET(PARSING, {})),
    ]);
    return [...routing, ...parse.map(parsing)];
  },
  get: async (s, id) => (await locate(s, id)).rule,
  create: async (s, body) => body.kind === 'parse'
    ? parsing(await call<Rule>('query', s.query.POST(PARSING, { body: withoutKind(body) })))
    : call<Rule>('query', s.query.POST(ROUTING, { body })),
  update: async (s, id, body) => {
    const { base } = await locate(s, id);
    const answer = await call<Rule>('query', s.query.PATCH(`${base}/{id}`, { ...path(id), body: base === PARSING ? withoutKind(body) : body }));
    return base === PARSING ? parsing(answer) : answer;
  },
  remove: async (s, id) => {
    const { base } = await locate(s, id);
    await call<void>('query', s.query.DELETE(`${base}/{id}`, path(id)));
  },
};
