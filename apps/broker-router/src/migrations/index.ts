import { UsageAndDrainStats1733400000000 } from './1733400000000-usage-and-drain-stats';

/** Applied in this order. */
export const ROUTER_MIGRATIONS = [UsageAndDrainStats1733400000000];
