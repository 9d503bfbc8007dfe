#!/usr/bin/env bash
# Builds a libFuzzer target with clang-14 (-fsanitize=fuzzer,address,undefined) when it is missing or older
# than its sources or any header of src/feeds, src/asterix, src/core, src/plan, src/channel, src/server. Shared by
# scripts/fuzz-sbs.sh, scripts/fuzz-asterix.sh and scripts/fuzz-bodies.sh.
#
#   scripts/fuzz-build.sh <binary> <source.cc>...
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$1"
shift
CXX_FUZZ="${CXX_FUZZ:-clang++-14}"
if ! command -v "$CXX_FUZZ" >/dev/null; then
  echo "fuzz-build: $CXX_FUZZ not found (scripts/install-deps.sh installs clang-14)" >&2
  exit 1
fi
rebuild=0
[ -x "$BIN" ] || rebuild=1
for f in "$@" src/feeds/*.h src/asterix/*.h src/core/*.h src/plan/*.h src/channel/*.h src/server/*.h; do
  [ "$f" -nt "$BIN" ] && rebuild=1
done
if [ "$rebuild" = 1 ]; then
  echo "fuzz-build: building $BIN"
  # Debian's libspdlog is a compiled library using the external fmt.
  "$CXX_FUZZ" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DSPDLOG_COMPILED_LIB -DSPDLOG_SHARED_LIB -DSPDLOG_FMT_EXTERNAL -Isrc \
    "$@" -o "$BIN" -lspdlog -lfmt -pthread
fi
