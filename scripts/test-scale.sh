#!/usr/bin/env bash
# The HTTP and SDK suites again, on the scale path: PostgreSQL + an S3-compatible bucket (s3rver,
# started by the tests) + Redis. Uses MEDIA_LIBRARY_TEST_POSTGRES and MEDIA_LIBRARY_TEST_REDIS when
# set; otherwise starts throwaway servers with .ci/services and stops them afterwards.
# Give test files as arguments to run only those.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${MEDIA_LIBRARY_TEST_POSTGRES:-}" ] || [ -z "${MEDIA_LIBRARY_TEST_REDIS:-}" ]; then
  services=$(mktemp -d "${TMPDIR:-/tmp}/media-library-services.XXXXXX")
  trap '.ci/services stop "$services"' EXIT
  eval "$(.ci/services start "$services" --fast)"
fi

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  for file in test/server/*.test.ts; do
    case "$file" in
      # No back end in these (parsers), or one machine's data directory is what they test.
      */query-language.test.ts | */jpeg-quality.test.ts | */cli.test.ts | */crash.test.ts | */search-fuzz.test.ts | */seed.test.ts) ;;
      *) suites+=("$file") ;;
    esac
  done
  suites+=(test/compat/*.test.ts test/token-endpoint/media-server.test.ts)
fi
MEDIA_LIBRARY_TEST_BACKEND=scale node --import tsx --test --test-concurrency=1 "${suites[@]}"
