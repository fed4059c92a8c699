"""python-logging-loki with its documented settings (tags, basic auth, version 1).
usage: loki.py <push url> <key> <marker>. Prints "sent" once the handler has posted."""
import json
import logging
import sys

import logging_loki

url, key, marker = sys.argv[1:4]
handler = logging_loki.LokiHandler(url=url, tags={"application": "py-shop"}, auth=(key, ""), version="1")
logger = logging.getLogger("shop")
logger.addHandler(handler)
logger.warning(f"{marker} low stock", extra={"tags": {"region": "eu"}})
print(json.dumps("sent"))
