#!/usr/bin/env bash
# Installs the Debian 12 packages that deconflict needs to build, test and run.
# Called by `make` when something is missing; safe to run again (it installs only what is absent).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libgeographiclib-dev      # WGS84 geodesy (Karney)
  libs2-dev                 # s2geometry: spherical polygons, caps, cell index
  libboost-dev libboost-system-dev  # Asio/Beast: HTTP, WebSocket
  libssl-dev                # TLS for the server
  nlohmann-json3-dev libyaml-cpp-dev
  libsqlite3-dev libpq-dev
  libsodium-dev             # BLAKE2b hashes, Ed25519 signatures for the record
  libcli11-dev libspdlog-dev libfmt-dev
  zlib1g-dev                # gzip-compressed real traffic files
  libgtest-dev libgmock-dev libbenchmark-dev
  dump1090-mutability       # the real ADS-B decoder used by feed tests
  tshark                    # Wireshark's ASTERIX dissector: the independent decoder of the ASTERIX tests
  clang-14                  # libFuzzer (-fsanitize=fuzzer) for the SBS parser fuzz target (scripts/fuzz-sbs.sh)
  libclang-rt-14-dev        # the libFuzzer/sanitizer runtimes clang-14 only recommends (we install without recommends)
  python3
  openssl                   # tests/server: the TLS test makes a throwaway self-signed certificate
  chromium                  # web/test: the console tests drive the real browser (playwright-core from npm)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The web console (web/) is bundled with Node.js >= 20 and npm; use the ones installed (e.g. NodeSource's
# nodejs, which carries npm), else Debian's.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture; answer no without a prompt.
if [[ " ${missing[*]} " == *" tshark "* ]]; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
