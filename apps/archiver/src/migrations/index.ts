import { RehydrationJobs1733200000000 } from './1733200000000-rehydration-jobs';

/** Applied in this order. */
export const ARCHIVER_MIGRATIONS = [RehydrationJobs1733200000000];
