#!/usr/bin/env bash
# Refreshes the vendored GraphiQL under web/assets/graphiql/ from its npm packages, at the
# versions pinned below: GraphiQL's browser build and stylesheet, and the React it runs on,
# with their licences. GET /graphql serves GraphiQL from these (when it is on), so it works on
# a network with no route to a CDN. Run it from anywhere; it needs npm and network access to
# the package registry.
set -euo pipefail
GRAPHIQL=3.9.0
REACT=18.3.1
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/assets/graphiql"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

unpack() {
  mkdir -p "$work/$1"
  (cd "$work/$1" && npm pack --silent "$1@$2" >/dev/null && tar -xzf ./*.tgz)
}
unpack graphiql "$GRAPHIQL"
unpack react "$REACT"
unpack react-dom "$REACT"

mkdir -p "$out"
# The source maps are not vendored, so the comments naming them go too.
strip_map() { sed -E -e 's#//[#] sourceMappingURL=.*$##' -e 's#/[*][#] sourceMappingURL=[^*]*[*]/##' "$1" > "$2"; }
strip_map "$work/graphiql/package/graphiql.min.js" "$out/graphiql.min.js"
strip_map "$work/graphiql/package/graphiql.min.css" "$out/graphiql.min.css"
strip_map "$work/react/package/umd/react.production.min.js" "$out/react.production.min.js"
strip_map "$work/react-dom/package/umd/react-dom.production.min.js" "$out/react-dom.production.min.js"
if grep -Eq 'url\((["'"'"']?)https?://' "$out/graphiql.min.css"; then
  echo "vendor: GraphiQL's CSS names another host; look at it before committing" >&2
  exit 1
fi
cp "$work/graphiql/package/LICENSE" "$out/LICENSE-graphiql"
cp "$work/react/package/LICENSE" "$out/LICENSE-react"
printf 'graphiql %s\nreact %s\nreact-dom %s\n' "$GRAPHIQL" "$REACT" "$REACT" > "$out/VERSIONS"
echo "vendor: GraphiQL $GRAPHIQL and React $REACT written to $out"
