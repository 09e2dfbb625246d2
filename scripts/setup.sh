#!/usr/bin/env bash
# Installs what enroll needs to build, test and benchmark, if it is missing.
# Safe to run again: it only installs what is not there. Debian/Ubuntu (apt) and pip.
set -euo pipefail

apt_packages=(libarchive-dev libzstd-dev libxml2-dev libsqlite3-dev pkg-config
              libarchive-tools signify-openbsd zstd unzip libjpeg-turbo-progs
              libcairo2-dev libpango1.0-dev libqrencode-dev libturbojpeg0-dev fonts-noto-cjk
              fonts-dejavu-core poppler-utils zbar-tools age pigz libssl-dev
              chromium chromium-driver openssl curl
              libreoffice-calc-nogui  # soffice --convert-to csv: the spreadsheet interop tests
              postgresql)  # the city store's server and psql; the tests start a throw-away cluster
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=$(command -v python3 || true)
if [ -n "$python" ]; then
  pip_missing=()
  "$python" -c "import bagit" 2>/dev/null || pip_missing+=(bagit)
  "$python" -c "import jsonschema" 2>/dev/null || pip_missing+=(jsonschema)
  "$python" -c "import junitparser" 2>/dev/null || pip_missing+=(junitparser)  # reads validate's JUnit in the CLI tests
  "$python" -c "import openpyxl" 2>/dev/null || pip_missing+=(openpyxl)
  "$python" -c "import selenium" 2>/dev/null || pip_missing+=(selenium)  # the web apps' browser tests (Tests/browser)
  if [ ${#pip_missing[@]} -gt 0 ]; then
    echo "setup: pip installing ${pip_missing[*]}"
    "$python" -m pip install -q "${pip_missing[@]}"
  fi
fi

command -v swift >/dev/null || { echo "setup: Swift 6 is required (swift not on PATH)" >&2; exit 2; }
