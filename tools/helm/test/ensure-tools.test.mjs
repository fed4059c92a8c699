import { convertNode, kindFileName, nullable, standalone } from '../ensure-tools.mjs';

describe('Kubernetes schema conversion for kubeconform', () => {
  it('names schema files the way kubeconform looks them up', () => {
    expect(kindFileName('Deployment', 'apps', 'v1')).toBe('deployment-apps-v1.json');
    expect(kindFileName('Service', '', 'v1')).toBe('service-v1.json');
    expect(kindFileName('ServiceMonitor', 'monitoring.coreos.com', 'v1')).toBe('servicemonitor-monitoring-v1.json');
    expect(kindFileName('HorizontalPodAutoscaler', 'autoscaling', 'v2')).toBe('horizontalpodautoscaler-autoscaling-v2.json');
  });

  it('makes objects strict, types nullable, drops Kubernetes extensions and collects references', () => {
    const refs = new Set();
    const out = convertNode(
      {
        type: 'object',
        'x-kubernetes-group-version-kind': [{ kind: 'X' }],
        properties: {
          replicas: { type: 'integer', format: 'int32' },
          port: { format: 'int-or-string', type: 'string', description: 'p' },
          meta: { $ref: '#/definitions/io.k8s.Meta' },
          when: { type: 'string', format: 'date-time' },
        },
      },
      refs,
    );
    expect(out.additionalProperties).toBe(false);
    expect(out['x-kubernetes-group-version-kind']).toBeUndefined();
    expect(out.properties.replicas).toEqual({ type: ['integer', 'null'] });
    expect(out.properties.port.oneOf).toEqual([{ type: 'string' }, { type: 'integer' }, { type: 'null' }]);
    expect(out.properties.meta).toEqual({ $ref: '#/definitions/io.k8s.Meta' });
    expect(out.properties.when.format).toBe('date-time');
    expect([...refs]).toEqual(['io.k8s.Meta']);
  });

  it('leaves objects that preserve unknown fields open', () => {
    expect(convertNode({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true }, new Set()).additionalProperties).toBeUndefined();
  });

  it('adds null to a type once', () => {
    expect(nullable('string')).toEqual(['string', 'null']);
    expect(nullable(['string', 'null'])).toEqual(['string', 'null']);
  });

  it('bundles the transitive closure of references, and fails on a missing one', () => {
    const definitions = {
      A: { type: 'object', properties: { b: { $ref: '#/definitions/B' } } },
      B: { type: 'object', properties: { n: { type: 'integer' } } },
    };
    const schema = standalone({ type: 'object' }, new Set(['A']), definitions);
    expect(Object.keys(schema.definitions).sort()).toEqual(['A', 'B']);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => standalone({}, new Set(['Missing']), definitions)).toThrow('unresolved $ref Missing');
  });
});
