/**
 * The parser-worker's parsing core: plain functions, no NATS or NestJS. See ../../PARSING.md.
 */
export { parseBatch } from './pipeline';
export type { ParseOptions, ParseResult, ParseStats } from './pipeline';
export { parseLine } from './registry';
export { FORMATS } from './types';
export type { FormatName, Parsed, FieldType } from './types';
export { compileRule, RuleCompileError, appMatcher, MAX_RULE_INPUT, DEFAULT_RULE_BUDGET_MS } from './rules/rules';
export type { ParsingRule, CompiledRule, CompileRuleOptions } from './rules/rules';
export { GROK_PATTERNS } from './rules/grok';
export { regexEngineInfo, PatternError } from './rules/engine';
export type { EngineName } from './rules/engine';
export { compileRedaction, RedactionConfigError, luhn } from './redaction';
export type { RedactionConfig, CompiledRedaction } from './redaction';
export { sanitiseKey } from './limits';
export { parseTimeValue } from './time';
export { detectLevelWord } from './levels';
export { MAX_JOIN_LINES, MAX_JOIN_BYTES } from './multiline';
