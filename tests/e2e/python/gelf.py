"""pygelf's GelfHttpHandler with its defaults (compress=True: zlib labelled gzip,deflate), the
key in the path, and an app name as pygelf documents it (an additional field).
usage: gelf.py <port> <key> <marker>."""
import json
import logging
import sys

from pygelf import GelfHttpHandler

port, key, marker = sys.argv[1:4]
handler = GelfHttpHandler(host="127.0.0.1", port=int(port), path=f"/gelf?token={key}", _app_name="py-gelf")
logger = logging.getLogger("billing")
logger.setLevel(logging.INFO)
logger.addHandler(handler)
logger.error(f"{marker} payment failed")
print(json.dumps("sent"))
