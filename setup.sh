#!/usr/bin/env bash
# Set-up command 1 of 2 (README): installs the Debian packages Clearance
# needs, builds it, and runs the main job on the bundled sample data with
# the embedded default store (SQLite file build/demo.db).
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libexpat1-dev libarchive-dev libssl-dev
  libcurl4-openssl-dev libicu-dev libre2-dev nlohmann-json3-dev
  libboost-graph-dev libsodium-dev libxmlsec1-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
  clang-19 libclang-rt-19-dev
  libmaxminddb-dev libgeoip-dev geoip-database libgeographiclib-dev gmt-dcw libnetcdf-dev
  chromium
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build

# The main job on the embedded default: import the bundled synthetic list
# into a fresh SQLite store, screen a name, screen two account records with
# the rule catalog in rules/ (each decision goes to the audit trail), and
# verify the audit trail. `screen` exits 10 when it finds something to act on.
export CLEARANCE_DB=build/demo.db CLEARANCE_NO_PROGRESS=1
rm -f "$CLEARANCE_DB" "$CLEARANCE_DB-wal" "$CLEARANCE_DB-shm" "$CLEARANCE_DB.match-index"
demo() { echo "\$ clearance $*"; ./build/clearance "$@" || [ $? -eq 10 ]; echo; }
demo lists import data/sample/sample_list.json
demo lists status
demo lists show SAMPLE-RPL:SAMPLE-0001
demo screen name "北京智谱华章科技有限公司"
demo screen account docs/examples/sevastopol_logins.account.json --as-of 2026-03-01
demo screen account docs/examples/us_university.account.json --as-of 2026-03-01
demo audit verify
echo "setup: done. Try ./build/clearance --help"
