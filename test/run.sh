#!/usr/bin/env bash
# The one test command (`npm test`, and `.ci/run`): installs what a clean clone lacks, type-checks and
# builds, then runs every test/**/*.test.ts with node:test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "run.sh: installing npm dependencies (npm ci)"
  npm ci
fi

if ! command -v sipp >/dev/null 2>&1; then
  echo "run.sh: installing sipp (sip-tester)"
  apt-get update
  apt-get install -y sip-tester
fi

if ! command -v baresip >/dev/null 2>&1; then
  echo "run.sh: installing baresip (baresip-core: the phone in the media tests)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y baresip-core
fi

if ! command -v janus >/dev/null 2>&1; then
  echo "run.sh: installing janus (the AudioBridge MCU of the mcu-janus tests)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y janus
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "run.sh: installing chromium (the dashboard's browser tests)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

echo "run.sh: type-checking and building (tsc -b), then type-checking the tests"
npx tsc -b
npx tsc -p test/tsconfig.json

mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "run.sh: no test files found" >&2
  exit 1
fi

echo "run.sh: running ${#files[@]} test file(s)"
exec node --conditions=tandem-src --import tsx --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
