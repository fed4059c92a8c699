import { createRequire } from 'node:module';
import { HEADER, generatedFiles, schemaOf, typeName, valuesYaml, wrap } from '../generate-charts.mjs';
import { APP_NAMES, group, leaf, S } from '../chart-spec.mjs';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml');

const spec = group('Top.', {
  replicas: leaf(2, S.int(0), 'How many pods.'),
  image: group('The image.', { tag: leaf('', S.str(), 'Tag; "" = appVersion.') }),
  hidden: { ...leaf(1, S.int(), 'Not in values.yaml.'), omitFromValues: true },
});

describe('chart generation', () => {
  it('wraps comments at the width', () => {
    expect(wrap('one two three four', 9, '# ')).toEqual(['# one two', '# three', '# four']);
  });

  it('writes a commented values.yaml that parses back to the defaults', () => {
    const text = valuesYaml(spec);
    expect(text.startsWith(HEADER)).toBe(true);
    expect(text).toContain('# How many pods.\nreplicas: 2');
    expect(yaml.load(text)).toEqual({ replicas: 2, image: { tag: '' } });
  });

  it('makes a strict schema: unknown keys refused', () => {
    const schema = schemaOf(spec);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.image.additionalProperties).toBe(false);
    expect(schema.properties.replicas).toEqual({ description: 'How many pods.', type: 'integer', minimum: 0 });
  });

  it('names types for the README table', () => {
    expect(typeName(S.enum(['', 'a']))).toBe('"" \\| a');
    expect(typeName(S.list(S.str()))).toBe('list of string');
    expect(typeName(S.nullable(S.int()))).toBe('integer/null');
  });

  it('generates every chart file, each values.yaml and values.schema.json well-formed', () => {
    const files = generatedFiles();
    const names = Object.keys(files);
    expect(names.filter((f) => f.endsWith('values.schema.json'))).toHaveLength(APP_NAMES.length + 1);
    for (const [file, content] of Object.entries(files)) {
      if (file.endsWith('.json')) expect(() => JSON.parse(content)).not.toThrow();
      if (file.endsWith('values.yaml')) expect(yaml.load(content)).toBeInstanceOf(Object);
    }
  });
});
