#!/usr/bin/env bash
# Builds the libFuzzer target src/server/http_fuzz.cc (raw bytes -> Beast's request parser -> the Api -> the
# handlers of a real Service over the in-memory store) in its own CMake tree with clang-14
# (-fsanitize=fuzzer-no-link,address,undefined on every module; DECONFLICT_FUZZ=ON), and runs it for a
# bounded time on a corpus seeded with one valid request per route (tests/data/http_fuzz_seeds).
#
#   scripts/fuzz-http.sh [seconds=60] [build dir=build-fuzz-http] [extra libFuzzer flags...]
#
# Exit status: 0 when no crash, leak, 500 answer or invalid JSON answer was found in the time given;
# otherwise libFuzzer's status, with the input saved as <build dir>/http-crash-*. `make test` runs it for
# 25 s through CTest (test server_fuzz_http, tests/server/CMakeLists.txt). The first run compiles the
# modules with clang (several minutes; ccache keeps later runs short).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
OUT="${2:-build-fuzz-http}"
shift $(( $# > 2 ? 2 : $# ))
CXX_FUZZ="${CXX_FUZZ:-clang++-14}"
if ! command -v "$CXX_FUZZ" >/dev/null; then
  echo "fuzz-http: $CXX_FUZZ not found (scripts/install-deps.sh installs clang-14)" >&2
  exit 1
fi
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
mkdir -p "$OUT"
if [ ! -f "$OUT/CMakeCache.txt" ]; then
  cmake -S . -B "$OUT" -DCMAKE_CXX_COMPILER="$CXX_FUZZ" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DDECONFLICT_FUZZ=ON -DBUILD_TESTING=OFF \
    -DDECONFLICT_BENCH=OFF "${LAUNCHER[@]}" >"$OUT/fuzz-cmake.log" 2>&1 || { cat "$OUT/fuzz-cmake.log" >&2; exit 1; }
fi
cmake --build "$OUT" --target http_fuzz -j "${FUZZ_JOBS:-2}" >"$OUT/fuzz-build.log" 2>&1 || { tail -50 "$OUT/fuzz-build.log" >&2; exit 1; }
mkdir -p "$OUT/http-corpus"
if [ -z "$(ls -A "$OUT/http-corpus")" ]; then cp tests/data/http_fuzz_seeds/* "$OUT/http-corpus/"; fi
# A corpus directory of its own per run keeps the seeds intact; new inputs are kept in http-corpus.
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$OUT/http_fuzz" -max_total_time="$SECONDS_TO_RUN" \
  -max_len=8192 -timeout=30 -rss_limit_mb=4096 -artifact_prefix="$OUT/http-crash-" -print_final_stats=1 \
  "$@" "$OUT/http-corpus" tests/data/http_fuzz_seeds
