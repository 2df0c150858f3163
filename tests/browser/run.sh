#!/usr/bin/env bash
# Browser tests of the web UI: Playwright (playwright-core) driving Debian's Chromium, headless,
# under node's built-in test runner. Each test file starts its own actodo server.
#   ACTODO_BIN          server binary (default: ../../build/release/actodo)
#   ACTODO_UI_DIR       UI served with --ui-dir (default: ../../web/ui)
#   ACTODO_SCREENSHOTS  where screenshots go (default: ./screenshots)
#   CHROMIUM_PATH       browser (default: /usr/bin/chromium; `apt-get install chromium`)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export ACTODO_BIN="$(realpath "${ACTODO_BIN:-$here/../../build/release/actodo}")"
# ACTODO_UI_DIR unset: web/ui from disk (--ui-dir); set but empty: the copy
# embedded in the binary (what CTest runs).
if [ -n "${ACTODO_UI_DIR-unset}" ] && [ "${ACTODO_UI_DIR-unset}" != unset ]; then
  export ACTODO_UI_DIR="$(realpath "$ACTODO_UI_DIR")"
fi
export ACTODO_SCREENSHOTS="${ACTODO_SCREENSHOTS:-$here/screenshots}"
if [ ! -x "$ACTODO_BIN" ]; then
  echo "run.sh: no server binary at $ACTODO_BIN (build it, or set ACTODO_BIN)" >&2
  exit 2
fi
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "run.sh: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install chromium, or set CHROMIUM_PATH)" >&2
  exit 2
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi
# arguments: node --test options and/or test files (default: every *.test.mjs here)
files=()
for a in "$@"; do case "$a" in *.mjs) files+=("$a") ;; esac; done
[ ${#files[@]} -gt 0 ] || files=(./*.test.mjs)
opts=()
for a in "$@"; do case "$a" in *.mjs) ;; *) opts+=("$a") ;; esac; done
# one file at a time: each starts a server and a browser, and the machine has 2 cores
exec node --test --test-concurrency=1 ${opts[@]+"${opts[@]}"} "${files[@]}"
