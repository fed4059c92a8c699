import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** Paths whose values must never reach a log line: credentials in any shape shippers send. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["logplex-drain-token"]',
  'req.headers["splunk"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.key',
  '*.token',
  '*.refreshToken',
  '*.accessToken',
];

const QUIET_ROUTES = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** Structured JSON logs; health and metrics scrapes are not logged. */
export function loggingModule(service: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Query strings can carry drain tokens: log the path only.
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
          remoteAddress: req.remoteAddress,
        }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_ROUTES.test(req.url ?? '') },
      customProps: () => ({}),
    },
  });
}
