/**
 * One table of the field names shippers use for message, time, level, app, host, tags, trace
 * context and Kubernetes metadata (see table.ts), and the lookups the ingest-gateway and the
 * parser-worker share: `resolveAliases` finds them in a document, `aliasedFields` /
 * `withoutHits` / `withCanonicalFields` give the fields an event keeps.
 */
export { ROLE_NAMES, CANONICAL_FIELDS, type Role, type LevelKind, type AliasName, type CanonicalField } from './table';
export {
  resolveAliases, aliasQuery, aliasedFields, withoutHits, withoutPaths, withCanonicalFields, canonicalFields,
  type Aliases, type AliasHit, type AliasQuery, type CanonicalHit, type ResolveOptions, type Fields,
} from './aliases';
