/** Every corpus case, by format family. */
import { APP_LOGS } from './app-logs';
import { STRUCTURED } from './structured';
import { SYSLOG } from './syslog';
import type { CorpusCase } from './types';
import { WEB } from './web';

export { RECEIVED_AT } from './types';
export type { CorpusCase } from './types';

export const CORPUS: CorpusCase[] = [...STRUCTURED, ...SYSLOG, ...WEB, ...APP_LOGS];
