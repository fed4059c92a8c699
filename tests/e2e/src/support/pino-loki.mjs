// pino with the pino-loki transport (in its worker thread, as its README shows), default
// settings apart from where to send and how to authenticate, in a plain Node process (pino
// transports load with a dynamic import, which Jest's VM does not allow).
// usage: node pino-loki.mjs <ingest url> <key> <marker>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pino = require('pino');
const [url, key, marker] = process.argv.slice(2);

const transport = pino.transport({
  target: 'pino-loki',
  options: { host: url, basicAuth: { username: key, password: '' }, labels: { application: 'pino-app' } },
});
const logger = pino({ level: 'info' }, transport);
logger.warn({ cart: { id: 'c-1' }, 'http.status_code': 429 }, `${marker} slow down`);
// Ending the transport flushes its batch; its worker posts it before the stream closes.
const closed = new Promise((resolve) => {
  transport.once('close', resolve);
  setTimeout(resolve, 10000);
});
logger.flush(() => transport.end());
await closed;
process.stdout.write(`${JSON.stringify('sent')}\n`);
process.exit(0);
