import { SavedView } from '../views/saved-view.entity';
import { ParsingRuleEntity, RedactionSettingsEntity } from '../parsing/parsing-rule.entity';
import { AlertEntity } from '../alerts/alert.entity';
import { ArchiveConfigEntity } from '../archives/archive-config.entity';
import { RoutingRuleEntity } from '../routing/routing-rule.entity';
import { DrainEntity } from '../drains/drain.entity';

/**
 * Every entity of the query-api's schema, listed explicitly (never globbed from dist/).
 * Each configuration domain (views, parsing rules, routing rules, drains, alerts, archives)
 * adds its entities here.
 */
export const QUERY_API_ENTITIES = [SavedView, ParsingRuleEntity, RedactionSettingsEntity, AlertEntity, ArchiveConfigEntity, RoutingRuleEntity, DrainEntity];
