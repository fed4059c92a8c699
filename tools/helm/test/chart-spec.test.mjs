import { APPS, APP_NAMES, appSpec, group, leaf, S, umbrellaSpec } from '../chart-spec.mjs';
import { APP_CHARTS, ALL_CHARTS } from '../build-deps.mjs';

/** Every leaf of a spec with its dotted path. */
function leaves(node, prefix = '') {
  return Object.entries(node.children).flatMap(([key, child]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    return child.kind === 'group' ? leaves(child, p) : [[p, child]];
  });
}

/** Does a default value fit its schema's type (the part of JSON schema the spec uses for defaults)? */
function fitsType(value, schema) {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.type === undefined) return true;
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

describe('chart spec', () => {
  it('describes the same eight services the chart build packs', () => {
    expect([...APP_NAMES].sort()).toEqual([...APP_CHARTS].sort());
    expect(ALL_CHARTS).toEqual(['millrace-common', ...APP_CHARTS, 'millrace']);
  });

  it.each(APP_NAMES)('gives every value of %s a description and a default that fits its schema', (name) => {
    const all = leaves(appSpec(name));
    expect(all.length).toBeGreaterThan(50);
    for (const [p, l] of all) {
      expect(`${p}: ${typeof l.description}`).toBe(`${p}: string`);
      expect(l.description.length).toBeGreaterThan(0);
      expect(`${p}: ${fitsType(l.default, l.schema)}`).toBe(`${p}: true`);
      if (l.schema.enum) expect(l.schema.enum).toContain(l.default);
    }
  });

  it('adds database, OpenSearch and migration settings only to the services that use them', () => {
    for (const name of APP_NAMES) {
      const keys = Object.keys(appSpec(name).children);
      expect(keys.includes('postgresql')).toBe(APPS[name].postgresql);
      expect(keys.includes('migration')).toBe(APPS[name].postgresql);
      expect(keys.includes('opensearch')).toBe(APPS[name].opensearch);
      expect(appSpec(name).children.replicaCount.default).toBe(APPS[name].replicaCount);
    }
  });

  it('defaults to one stream replica in a service chart and three in the umbrella', () => {
    expect(appSpec('indexer').children.global.children.nats.children.jetstreamReplicas.default).toBe(1);
    expect(umbrellaSpec().children.global.children.nats.children.jetstreamReplicas.default).toBe(3);
  });

  it('lets the umbrella switch each service off, and installs the canary only when asked', () => {
    const umbrella = umbrellaSpec();
    for (const name of APP_NAMES) expect(umbrella.children[name].children.enabled.default).toBe(name !== 'canary');
  });

  it('builds nodes and schemas', () => {
    expect(leaf(1, S.int(0, 5), 'd')).toEqual({ kind: 'leaf', default: 1, schema: { type: 'integer', minimum: 0, maximum: 5 }, description: 'd' });
    expect(group('g', {}).kind).toBe('group');
    expect(S.nullable(S.bool())).toEqual({ type: ['boolean', 'null'] });
    expect(new RegExp(S.quantity().pattern).test('512Mi')).toBe(true);
    expect(new RegExp(S.quantity().pattern).test('512 MB')).toBe(false);
    expect(new RegExp(S.duration().pattern).test('1m30s')).toBe(true);
  });
});
