import { Initial1732000000000 } from './1732000000000-initial';

/** Listed explicitly (never globbed from dist/) so the build and the CLI agree. */
export const AUTH_MIGRATIONS = [Initial1732000000000];
