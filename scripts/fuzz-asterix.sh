#!/usr/bin/env bash
# Builds the libFuzzer target src/feeds/asterix_fuzz.cc with clang-14 (-fsanitize=fuzzer,address,undefined)
# and runs it for a bounded time on a corpus seeded with blocks our encoder writes and a few refused ones.
#
#   scripts/fuzz-asterix.sh [seconds=60] [build dir=build-fuzz]
#
# Exit status: 0 when no crash, leak or contract violation was found in the time given; otherwise
# libFuzzer's status, with the crashing input saved as <build dir>/asterix-crash-*. `make test` runs it for
# 20 s through CTest (test feeds_fuzz_asterix, tests/feeds/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
OUT="${2:-build-fuzz}"
mkdir -p "$OUT/asterix-corpus"
SOURCES=(src/feeds/asterix_fuzz.cc src/feeds/asterix_stream.cc src/feeds/asterix_decode.cc src/feeds/sbs.cc
         src/feeds/sbs_stream.cc src/feeds/track_assembler.cc src/asterix/record.cc src/asterix/uap.cc
         src/asterix/pcap.cc src/core/units.cc src/core/status.cc src/core/rate_limited_log.cc)
BIN="$OUT/asterix_fuzz"
scripts/fuzz-build.sh "$BIN" "${SOURCES[@]}"
if [ -z "$(ls -A "$OUT/asterix-corpus")" ]; then
  # A CAT021 2.6 and a CAT062 1.18 block as deconflict's encoder writes them (the same aircraft, squawk 7700),
  # the two in one datagram, a CAT062 0.17 record of SAC/SIC 0/0, and a few refused blocks.
  c21='\x15\x00\x2d\xeb\x11\x0b\x69\x80\x19\x64\x01\x00\x00\x0c\x59\x81\xb3\x10\x88\x88\x89\x02\xe1\x47\xae\x4c\xa7\xa8\x0f\xc0\x05\x20\x04\x7f\x63\x07\xf3\x47\xd2\x49\x94\xb1\xdf\x40\xe0'
  c62='\x3e\x00\x33\xbb\x7d\x2c\x19\x64\x00\x59\x81\xb3\x00\x84\x44\x44\x00\x17\x0a\x3d\x03\x87\xff\x50\x0f\xc0\x00\x49\x94\xb1\xdf\x40\xe0\x80\x4c\xa7\xa8\x00\x0c\x01\x01\x01\x01\x09\x00\x05\x20\x05\x20\xff\x63'
  printf "$c21" > "$OUT/asterix-corpus/cat021"
  printf "$c62" > "$OUT/asterix-corpus/cat062"
  printf "$c21$c62" > "$OUT/asterix-corpus/both"
  printf '\x3e\x00\x14\xf9\x01\x00\x00\x00\x59\x81\xb3\x00\x07\x00\x84\x44\x00\x17\x0a' > "$OUT/asterix-corpus/v017"
  printf '\x15\x00\x05\x81\x81\x30\x00\x04\x00\x41\x00\x04\x00' > "$OUT/asterix-corpus/bad"
fi
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$BIN" -max_total_time="$SECONDS_TO_RUN" -max_len=2048 \
  -artifact_prefix="$OUT/asterix-crash-" -print_final_stats=1 "$OUT/asterix-corpus"
