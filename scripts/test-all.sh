#!/usr/bin/env bash
# Every check, in the order a developer would want them to fail: types, lint, unit and integration
# tests (Vitest), then the dashboard end to end (Playwright, Debian's Chromium). Prints one closing
# line "N passed, N failed, N skipped" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0

echo "== typecheck"; npx tsc --noEmit || status=1
echo "== lint"; npx biome check . || status=1
echo "== vitest"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=1
echo "== playwright"
PLAYWRIGHT_JSON_OUTPUT_FILE="$results/playwright.json" npx playwright test --reporter=list,json || status=1

node scripts/summarize-results.mjs "$results" || status=1
exit $status
