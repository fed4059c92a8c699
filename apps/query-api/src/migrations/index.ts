import { SavedViews1733100000000 } from './1733100000000-saved-views';
import { ParsingRules1733200000000 } from './1733200000000-parsing-rules';
import { Alerts1733345000000 } from './1733345000000-alerts';
import { Archives1733400000000 } from './1733400000000-archives';
import { RoutingRulesAndDrains1733500000000 } from './1733500000000-routing-rules-and-drains';
import { SealSecrets1733600000000 } from './1733600000000-seal-secrets';

/** Applied in this order; each domain adds its migration classes here. */
export const QUERY_API_MIGRATIONS = [SavedViews1733100000000, ParsingRules1733200000000, Alerts1733345000000, Archives1733400000000, RoutingRulesAndDrains1733500000000, SealSecrets1733600000000];
