import { Initial1732000000000 } from './1732000000000-initial';
import { Accounts1733000000000 } from './1733000000000-accounts';

/** Listed explicitly (never globbed from dist/) so the build and the CLI agree. */
export const AUTH_MIGRATIONS = [Initial1732000000000, Accounts1733000000000];
