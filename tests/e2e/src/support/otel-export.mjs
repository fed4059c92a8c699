// Sends one log record with the OpenTelemetry JS SDK and its OTLP/HTTP exporter (JSON or
// protobuf), in a plain Node process (the exporters load their transport with a dynamic
// import, which Jest's VM does not allow). Prints the export results as JSON.
// usage: node otel-export.mjs <json|protobuf> <url> <key> <body> <timestamp ms> [extra JSON {resource, attributes}]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [encoding, url, key, body, ts, extraJson] = process.argv.slice(2);
const extra = extraJson ? JSON.parse(extraJson) : {};
const { OTLPLogExporter } = require(encoding === 'protobuf' ? '@opentelemetry/exporter-logs-otlp-proto' : '@opentelemetry/exporter-logs-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');

const exporter = new OTLPLogExporter({ url, headers: { authorization: `Bearer ${key}` } });
const results = [];
const recording = {
  export: (records, done) => exporter.export(records, (result) => {
    results.push({ code: result.code, error: result.error?.message });
    done(result);
  }),
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
};
const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'otel-host', 'deployment.environment': 'e2e', ...extra.resource }),
  processors: [new SimpleLogRecordProcessor({ exporter: recording })],
});
provider.getLogger('e2e-scope', '1.2.3').emit({
  body, severityNumber: 17, severityText: 'ERROR', timestamp: Number(ts), attributes: { 'order.id': 'o-9', amount: 12.5, ...extra.attributes },
});
await provider.forceFlush();
await provider.shutdown();
process.stdout.write(`${JSON.stringify(results)}\n`);
