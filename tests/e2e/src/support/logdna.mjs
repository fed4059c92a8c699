// @logdna/logger with its documented settings (the key, url, app, hostname, indexMeta), in its
// own process: its keep-alive agent holds sockets for a minute, which would keep Jest waiting.
// usage: node logdna.mjs <ingest url> <key> <marker>. Prints the errors it saw (none: []).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createLogger } = require('@logdna/logger');
const [url, key, marker] = process.argv.slice(2);

const log = createLogger(key, { url: `${url}/logs/ingest`, app: 'logdna-app', hostname: 'logdna-host', indexMeta: true });
const errors = [];
log.on('error', (e) => errors.push(e.message));
const sent = new Promise((resolve) => log.once('cleared', resolve));
log.warn(`${marker} disk almost full`, { meta: { disk: { free_mb: 512 }, 'volume.id': 'v-1' } });
log.flush();
await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, 20000))]);
process.stdout.write(`${JSON.stringify(errors)}\n`);
process.exit(0);
