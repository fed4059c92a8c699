import { AlerterState1733300000000 } from './1733300000000-alerter-state';

/** Applied in this order. */
export const ALERTER_MIGRATIONS = [AlerterState1733300000000];
