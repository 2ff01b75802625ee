#!/usr/bin/env bash
# Refreshes the vendored NHS.UK frontend under web/assets/ from its npm package, at the version
# pinned below: the compiled CSS and JavaScript, the icons and the web manifest, and the licence.
# The pages are served from the binary with nothing fetched from another host at run time, so
# the two @font-face rules that load Frutiger from the NHS's font host are taken out of the CSS
# (the design system's font stack then falls back to Arial, as it does wherever the font is not
# licensed). Run it from anywhere; it needs npm and network access to the package registry.
set -euo pipefail
VERSION=10.6.1
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "nhsuk-frontend@$VERSION" >/dev/null && tar -xzf "nhsuk-frontend-$VERSION.tgz")
dist="$work/package/dist/nhsuk"

rm -rf "$out/images"
mkdir -p "$out/images"
cp "$dist/assets/images/"* "$out/images/"
cp "$dist/assets/manifest.json" "$out/manifest.json"
# The source maps are not vendored, so the comments naming them go too.
sed -E 's#//[#] sourceMappingURL=.*$##' "$dist/nhsuk-frontend.min.js" > "$out/nhsuk-frontend.min.js"
# Every @font-face rule that names another host goes; nothing else in the CSS does.
sed -E -e 's#@font-face\{[^}]*https?://[^}]*\}##g' -e 's#/[*][#] sourceMappingURL=[^*]*[*]/##' \
  "$dist/nhsuk-frontend.min.css" > "$out/nhsuk-frontend.min.css"
if grep -Eq 'url\((["'"'"']?)https?://' "$out/nhsuk-frontend.min.css"; then
  echo "vendor: the CSS still names another host; look at it before committing" >&2
  exit 1
fi
echo "$VERSION" > "$out/NHSUK_FRONTEND_VERSION"
# The package carries no licence file; its package.json says MIT, and this is the project's.
cat > "$out/LICENSE-nhsuk-frontend" <<'LICENCE'
MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
echo "vendor: nhsuk-frontend $VERSION written to $out"
