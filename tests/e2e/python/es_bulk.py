"""elasticsearch-py (8.x) with its defaults: helpers.bulk() and bulk() send PUT /_bulk, index()
POST /{index}/_doc. usage: es_bulk.py <url> <key> <marker> <iso time>. Prints the answers."""
import json
import sys

from elasticsearch import Elasticsearch, helpers

url, key, marker, ts = sys.argv[1:5]
es = Elasticsearch(url, api_key=key)


def doc(n):
    return {
        "@timestamp": ts,
        "message": f"{marker} {n}",
        "log.level": "warning",
        "service": {"name": "py-api"},
        "host": {"name": "py-host"},
        "http": {"request": {"method": "GET"}},
        "http.status_code": 503,
        "trace.id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "kubernetes": {"pod": {"name": "py-pod-1"}, "namespace": "shop", "labels": {"app.kubernetes.io/name": "py-api"}},
    }


ok, errors = helpers.bulk(es, [{"_index": "py-logs-2024.05.01", "_source": doc("helpers")}])
bulk = es.bulk(operations=[{"create": {"_index": "py-logs-2024.05.01"}}, doc("bulk")])
index = es.index(index="py-logs", document=doc("index"))
print(json.dumps({"helpers": [ok, errors], "bulk": bulk.body["errors"], "index": index.body["result"]}))
