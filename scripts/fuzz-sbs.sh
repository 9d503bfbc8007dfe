#!/usr/bin/env bash
# Builds the libFuzzer target src/feeds/sbs_fuzz.cc with clang-14 (-fsanitize=fuzzer,address,undefined)
# and runs it for a bounded time on a corpus seeded from the real SBS data in tests/data.
#
#   scripts/fuzz-sbs.sh [seconds=60] [build dir=build-fuzz]
#
# Exit status: 0 when no crash, leak or contract violation was found in the time given; otherwise
# libFuzzer's status, with the crashing input saved as <build dir>/sbs-crash-*. `make test` runs it for
# 20 s through CTest (test feeds_fuzz_sbs, tests/feeds/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
OUT="${2:-build-fuzz}"
mkdir -p "$OUT/sbs-corpus"
SOURCES=(src/feeds/sbs_fuzz.cc src/feeds/sbs.cc src/feeds/sbs_stream.cc src/feeds/track_assembler.cc
         src/core/rate_limited_log.cc)
BIN="$OUT/sbs_fuzz"
scripts/fuzz-build.sh "$BIN" "${SOURCES[@]}"
# Seeds: real lines from the shared hour and from dump1090-mutability, plus a few refused ones.
if [ -z "$(ls -A "$OUT/sbs-corpus")" ]; then
  # (zcat ends on SIGPIPE when head has enough, which pipefail would count as a failure)
  { zcat tests/data/traffic/switzerland_20180801_1200-1300Z.sbs.gz || true; } | head -n 60 |
    split -l 6 - "$OUT/sbs-corpus/hour-"
  printf 'MSG,5,1,1,3981E4,1,2026/11/21,05:44:06.370,2026/11/21,05:44:06.370,TJT62CB ,25000,,,,,,,0,,0,\r\n\r\nMSG,6,1,1,~3981E4,1,2026/11/21,05:44:01.252,2026/11/21,05:44:01.252,,,,,,,,7700,0,-1,0,\r\n' > "$OUT/sbs-corpus/dump1090"
  printf 'MSG,2,1,1,4B1806,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,,12,270,47.45,8.56,,,,,,-1\nMSG,3,1,1,48520G,1,,,,,,38000H,,,91,1.2,,,,,,0\nSTA,,5,179,400AE7\n' > "$OUT/sbs-corpus/mixed"
fi
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$BIN" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
  -artifact_prefix="$OUT/sbs-crash-" -print_final_stats=1 "$OUT/sbs-corpus"
