"""The OpenTelemetry Python SDK's logging handler and OTLP/HTTP (protobuf) exporter.
usage: otel.py <url> <key> <marker>. Prints the export results (0 = success)."""
import json
import logging
import sys

from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource

url, key, marker = sys.argv[1:4]
results = []


class Recording(OTLPLogExporter):
    def export(self, batch):
        result = super().export(batch)
        results.append(result.value)
        return result


resource = Resource.create({
    "service.name": "py-otel",
    "host.name": "py-otel-host",
    "k8s.pod.name": "py-otel-pod",
    "k8s.namespace.name": "shop",
    "k8s.pod.labels.app.kubernetes.io/name": "py-otel",
})
provider = LoggerProvider(resource=resource)
provider.add_log_record_processor(SimpleLogRecordProcessor(Recording(endpoint=url, headers={"authorization": f"Bearer {key}"})))
logger = logging.getLogger("checkout")
logger.propagate = False
logger.addHandler(LoggingHandler(level=logging.NOTSET, logger_provider=provider))
logger.error(f"{marker} card declined", extra={"http.status_code": 402, "order.id": "o-7"})
provider.shutdown()
print(json.dumps(results))
