#!/usr/bin/env bash
# Smoke test of the local OpenSearch node: the features Millrace relies on.
#   tools/stack/opensearch/smoke.sh [http://127.0.0.1:29200]   (default: the test profile)
# Prints one line per feature; exits 1 if any failed. Works on indices named smoke-* only.
set -u
U=${1:-http://127.0.0.1:29200}
failed=0

# req METHOD PATH [BODY]: sets $code and $body
req() {
  local out
  if [ $# -ge 3 ]; then
    out=$(curl -s --max-time 30 -w '\n%{http_code}' -X "$1" "$U$2" -H 'Content-Type: application/json' --data-binary "$3")
  else
    out=$(curl -s --max-time 30 -w '\n%{http_code}' -X "$1" "$U$2")
  fi
  code=$(tail -n1 <<<"$out")
  body=$(sed '$d' <<<"$out")
}

# check NAME REGEX: the last request succeeded and its body matches REGEX
check() {
  if [[ $code == 2* ]] && grep -Eq -- "$2" <<<"$body"; then
    echo "ok   $1"
  else
    echo "FAIL $1 (HTTP $code): ${body:0:300}"
    failed=1
  fi
}

cleanup() {
  curl -s -X DELETE "$U/smoke-*" >/dev/null
  curl -s -X DELETE "$U/_index_template/smoke" >/dev/null
}
cleanup

req PUT /_index_template/smoke '{
  "index_patterns": ["smoke-*"],
  "template": {
    "settings": {
      "number_of_shards": 1, "number_of_replicas": 0,
      "analysis": {"analyzer": {"folded": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase", "asciifolding"]}}}
    },
    "mappings": {"properties": {
      "ts": {"type": "date"}, "msg": {"type": "text", "analyzer": "standard"}, "title": {"type": "text", "analyzer": "folded"},
      "svc": {"type": "keyword"}, "n": {"type": "long"}, "d": {"type": "double"}, "ip": {"type": "ip"},
      "attrs": {"type": "flat_object"}, "sf": {"type": "scaled_float", "scaling_factor": 100}, "wc": {"type": "wildcard"}
    }}
  }
}'
check "composable index template" '"acknowledged":true'

req PUT '/smoke-1/_doc/1?refresh=true' '{"ts":"2026-01-01T00:00:00Z","msg":"Hello World","title":"Café Über","svc":"api","n":1,"d":1.5,"ip":"10.0.0.1","attrs":{"k8s":{"pod":"p1"}},"sf":1.23,"wc":"abc"}'
check "index a document" '"result":"created"'

bulk=''
for i in $(seq 2 200); do
  bulk+='{"index":{"_index":"smoke-1"}}'$'\n'
  bulk+='{"ts":"2026-01-01T00:'$(printf %02d $((i % 60)))':00Z","msg":"line '$i' error timeout","title":"x","svc":"svc'$((i % 5))'","n":'$i',"d":'$i'.5,"ip":"10.0.1.'$((i % 250))'","attrs":{"k8s":{"pod":"p'$((i % 3))'"}},"wc":"val'$i'"}'$'\n'
done
req POST '/_bulk?refresh=true' "$bulk"
check "_bulk" '"errors":false'

req GET /smoke-1/_mapping;                  check "mapping applied from the template" '"flat_object"'
req POST /smoke-1/_count;                   check "_count" '"count":200'
req POST /smoke-1/_analyze '{"analyzer":"standard","text":"Hello World-42"}'
check "standard analyzer" '"token":"hello"'
req POST /smoke-1/_search '{"query":{"match":{"msg":"hello"}}}'
check "text field, match query" '"value":1,'
req POST /smoke-1/_search '{"query":{"match":{"title":"cafe"}}}'
check "custom analyzer (analysis-common filters)" '"value":1,'
req POST /smoke-1/_search '{"query":{"term":{"svc":"svc1"}}}'
check "keyword term query" '"value":39,'
req POST /smoke-1/_search '{"query":{"range":{"n":{"gte":100,"lte":109}}}}'
check "long range query" '"value":10,'
req POST /smoke-1/_search '{"query":{"term":{"ip":"10.0.0.0/24"}}}'
check "ip CIDR query" '"value":1,'
req POST /smoke-1/_search '{"query":{"term":{"attrs.k8s.pod":"p1"}}}'
check "flat_object query" '"value":67,'
req POST /smoke-1/_search '{"query":{"wildcard":{"wc":{"value":"*al19*"}}}}'
check "wildcard field type" '"value":11,'
req POST /smoke-1/_search '{"query":{"query_string":{"query":"svc:svc1 AND n:>100"}}}'
check "query_string" '"value":20,'
req POST /smoke-1/_search '{"size":0,"aggs":{
  "h":{"date_histogram":{"field":"ts","fixed_interval":"1m"}},
  "t":{"terms":{"field":"svc"}},
  "p":{"percentiles":{"field":"d","percents":[50,95,99]}},
  "c":{"cardinality":{"field":"ip"}},
  "s":{"stats":{"field":"n"}}}}'
check "aggs: date_histogram, terms, percentiles, cardinality, stats" '"99.0"'
req POST /smoke-1/_search '{"size":0,"aggs":{"m":{"matrix_stats":{"fields":["n","d"]}}}}'
check "matrix_stats (aggs-matrix-stats)" '"fields"'

req POST '/smoke-1/_search/point_in_time?keep_alive=1m'
check "create point in time" '"pit_id"'
pit=$(sed -E 's/.*"pit_id":"([^"]+)".*/\1/' <<<"$body")
req POST /_search '{"size":150,"pit":{"id":"'"$pit"'","keep_alive":"1m"},"sort":[{"ts":"asc"},{"n":"asc"}]}'
check "search with point in time" '"pit_id"'
after=$(grep -o '"sort":\[[^]]*\]' <<<"$body" | tail -1 | sed 's/"sort"://')
req POST /_search '{"size":150,"pit":{"id":"'"$pit"'","keep_alive":"1m"},"sort":[{"ts":"asc"},{"n":"asc"}],"search_after":'"$after"'}'
check "search_after over a point in time" '"hits":\[\{'
req DELETE /_search/point_in_time '{"pit_id":["'"$pit"'"]}'
check "delete point in time" '"successful":true'

req POST '/smoke-1/_search?scroll=1m' '{"size":10}'
check "scroll" '"_scroll_id"'
req POST /_msearch $'{"index":"smoke-1"}\n{"size":0}\n'
check "_msearch" '"responses"'
req POST '/smoke-1/_update/1?refresh=true' '{"script":{"source":"ctx._source.n += params.x","params":{"x":5}}}'
check "painless script update (lang-painless)" '"result":"updated"'
req POST '/smoke-1/_delete_by_query?refresh=true' '{"query":{"term":{"svc":"svc4"}}}'
check "_delete_by_query (reindex module)" '"deleted":40'
req POST '/_reindex?refresh=true' '{"source":{"index":"smoke-1"},"dest":{"index":"smoke-2"}}'
check "_reindex" '"created":160'
req POST /_aliases '{"actions":[{"add":{"index":"smoke-1","alias":"smoke-alias"}}]}'
check "aliases" '"acknowledged":true'
req PUT /smoke-1/_settings '{"index":{"refresh_interval":"5s"}}'
check "dynamic index settings" '"acknowledged":true'

cleanup
exit $failed
