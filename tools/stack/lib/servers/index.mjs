// The servers of a stack, by kind. Each has status/start/waitReady/stop taking (ctx, node).
import { nats } from './nats.mjs';
import { opensearch } from './opensearch.mjs';
import { postgres } from './postgres.mjs';

export const SERVERS = Object.freeze({ nats, postgres, opensearch });
