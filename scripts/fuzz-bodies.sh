#!/usr/bin/env bash
# Builds the libFuzzer target src/server/bodies_fuzz.cc (every request-body parser: operations, zones, agreement
# actions, track batches, notices, distress, parties, token labels, acknowledgements) with clang-14
# (-fsanitize=fuzzer,address,undefined) and runs it for a bounded time on a seed corpus of valid bodies.
#
#   scripts/fuzz-bodies.sh [seconds=60] [build dir=build-fuzz] [extra libFuzzer flags...]
#
# Exit status: 0 when no crash, leak or contract violation was found in the time given; otherwise libFuzzer's
# status, with the input saved as <build dir>/bodies-crash-*. `make test` runs it for 20 s through CTest (test
# server_fuzz_bodies, tests/server/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
OUT="${2:-build-fuzz}"
shift $(( $# > 2 ? 2 : $# ))
CXX_FUZZ="${CXX_FUZZ:-clang++-14}"
if ! command -v "$CXX_FUZZ" >/dev/null; then
  echo "fuzz-bodies: $CXX_FUZZ not found (scripts/install-deps.sh installs clang-14)" >&2
  exit 1
fi
CORPUS="$OUT/bodies-corpus"
mkdir -p "$CORPUS"
SOURCES=(src/server/bodies_fuzz.cc src/server/bodies.cc src/plan/codec.cc src/plan/model.cc src/plan/agreement.cc
         src/plan/times.cc src/channel/notice.cc src/core/json.cc src/core/json_fields.cc src/core/ids.cc
         src/core/units.cc src/core/status.cc)
BIN="$OUT/bodies_fuzz"
rebuild=0
[ -x "$BIN" ] || rebuild=1
for f in "${SOURCES[@]}" src/server/bodies.h src/plan/*.h src/core/*.h src/channel/notice.h; do
  [ "$f" -nt "$BIN" ] && rebuild=1
done
if [ "$rebuild" = 1 ]; then
  echo "fuzz-bodies: building $BIN"
  "$CXX_FUZZ" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc \
    "${SOURCES[@]}" -o "$BIN" -lfmt
fi
# Seeds: one valid body per parser (the first byte picks the parser, see bodies_fuzz.cc).
if [ -z "$(ls -A "$CORPUS")" ]; then
  vol='{"outline_circle":{"center":{"lat":35,"lng":38},"radius":"2km"},"altitude_lower":{"value":1000,"units":"FT","reference":"W84"},"altitude_upper":900,"time_start":"2026-01-01T10:00:00Z","duration":"30min"}'
  poly='{"volume":{"outline_polygon":{"vertices":[{"lat":1,"lng":2},{"lat":1,"lng":3},{"lat":2,"lng":3}]},"altitude_lower":0,"altitude_upper":"FL100"},"time_start":{"value":1767261600,"format":"RFC3339"},"time_end":1767265200}'
  printf '\x00{"id":"op-1","owner":"blue","priority":3,"state":"activated","volumes":[%s,%s]}' "$vol" "$poly" > "$CORPUS/operation"
  printf '\x01{"id":"z","kind":"protected-site","binds":["red"],"notification_lead":"24h","notified_at":1767000000,"volumes":[%s]}' "$vol" > "$CORPUS/zone"
  printf '\x02{"latest_seen":1,"terms":{"track_horizontal_m":9260,"buffer_vertical_m":30,"equal_priority_conflicts_allowed":true,"escalation":[{"after_s":60,"action":"repeat"},{"after_s":120,"action":"hotline"}]}}' > "$CORPUS/propose"
  printf '\x03{"version":2}' > "$CORPUS/accept"
  printf '\x04{"source":"radar","tracks":[{"id":"B1","callsign":"BLU1","time_s":1767261590,"lat_deg":35,"lon_deg":38,"alt_m":6000,"gs_mps":200,"trk_deg":90,"vs_mps":-2.5,"operation_id":"op-1"},{"id":"B2","lat_deg":-1e-3,"lon_deg":179.9,"alt_m":0,"gs_mps":0,"trk_deg":360,"on_ground":true,"operation_id":null}]}' > "$CORPUS/tracks"
  printf '\x05{"kind":"operation_notice","to":["red","green"],"text":"Convoy at 10:00 \\u00e9","priority":"immediate","operation_id":"op-1","valid_until_s":1767270000}' > "$CORPUS/notice"
  printf '\x06{"aircraft_id":"B1","text":"engine failure"}' > "$CORPUS/distress"
  printf '\x07{"id":"ocha","name":"UN OCHA","escalation_contact":"+41 22 917 1234"}' > "$CORPUS/party"
  printf '\x08{"label":"ops-room"}' > "$CORPUS/token"
  printf '\x09{"comment":"seen"}' > "$CORPUS/ack"
fi
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$BIN" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 \
  -artifact_prefix="$OUT/bodies-crash-" -print_final_stats=1 "$@" "$CORPUS"
