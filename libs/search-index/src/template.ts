import { INDEX_PREFIX } from './names';

/**
 * The events mapping. Tenants send any fields; none of them may cause a rejected document or a
 * mapping explosion:
 * - fixed top-level fields are mapped explicitly; `dynamic: strict` outside `fields` refuses
 *   surprises early (the indexer only writes known keys there);
 * - under `fields`, strings map to keyword, every number to double (ignore_malformed, so a string
 *   arriving where a number was indexed keeps the document), booleans to keyword;
 * - the total field count is capped per index; the indexer retries a document that hits the cap
 *   with its fields kept only in `_source`.
 */
export function eventsIndexTemplate(options: { shards?: number; replicas?: number; totalFieldsLimit?: number } = {}) {
  return {
    index_patterns: [`${INDEX_PREFIX}-*`],
    priority: 100,
    template: {
      settings: {
        number_of_shards: options.shards ?? 1,
        number_of_replicas: options.replicas ?? 0,
        refresh_interval: '1s',
        'mapping.total_fields.limit': options.totalFieldsLimit ?? 2000,
        'mapping.depth.limit': 10,
        'mapping.ignore_malformed': true,
        'query.default_field': ['message'],
      },
      mappings: {
        dynamic: 'strict',
        _routing: { required: true },
        properties: {
          '@timestamp': { type: 'date', format: 'epoch_millis||strict_date_optional_time' },
          received_at: { type: 'date', format: 'epoch_millis' },
          id: { type: 'keyword' },
          tenant: { type: 'keyword' },
          app: { type: 'keyword' },
          host: { type: 'keyword' },
          level: { type: 'keyword' },
          tags: { type: 'keyword' },
          source: { type: 'keyword' },
          message: { type: 'text' },
          /** Fields that could not be indexed (over the field cap or in conflict), kept searchable as text. */
          unindexed_fields: { type: 'text', index: true },
          fields: {
            type: 'object',
            dynamic: true,
          },
        },
        dynamic_templates: [
          { numbers_as_double: { path_match: 'fields.*', match_mapping_type: 'long', mapping: { type: 'double', ignore_malformed: true } } },
          { doubles: { path_match: 'fields.*', match_mapping_type: 'double', mapping: { type: 'double', ignore_malformed: true } } },
          { booleans_as_keyword: { path_match: 'fields.*', match_mapping_type: 'boolean', mapping: { type: 'keyword' } } },
          { dates_as_keyword: { path_match: 'fields.*', match_mapping_type: 'date', mapping: { type: 'keyword', ignore_above: 1024 } } },
          { strings_as_keyword: { path_match: 'fields.*', match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
        ],
        date_detection: false,
        numeric_detection: false,
      },
    },
  };
}
