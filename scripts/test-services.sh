#!/usr/bin/env bash
# Installs the system services the test suite uses, from Debian's packages only:
#   postgresql (server + streaming replica tests), redis-server, prometheus (+ promtool), chromium (HTML report
#   tests via playwright-core), wrk (load benchmark peer), libxml2-utils (xmllint: JUnit schema validation),
#   sqlite3 (an independent reader of the history store in tests), openssl (a test CA for the load client's TLS tests).
# Tests start their own throwaway instances on free loopback ports, so nothing is left running here.
# Usage: scripts/test-services.sh [--check]   (--check: only report what is missing; exit 1 if anything is)
set -euo pipefail

declare -A BIN_OF=(
  [postgresql]=/usr/lib/postgresql/*/bin/postgres
  [redis-server]=/usr/bin/redis-server
  [prometheus]=/usr/bin/promtool
  [chromium]=/usr/bin/chromium
  [wrk]=/usr/bin/wrk
  [libxml2-utils]=/usr/bin/xmllint
  [sqlite3]=/usr/bin/sqlite3
  [openssl]=/usr/bin/openssl
)

missing=()
for pkg in "${!BIN_OF[@]}"; do
  # shellcheck disable=SC2086
  if ! compgen -G ${BIN_OF[$pkg]} > /dev/null; then missing+=("$pkg"); fi
done

if [ "${1:-}" = "--check" ]; then
  if [ ${#missing[@]} -eq 0 ]; then echo "test services: all installed"; exit 0; fi
  echo "test services missing: ${missing[*]}"; exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  # Debian starts these as system services on install; the tests run their own instances instead.
  for svc in postgresql redis-server prometheus; do
    $SUDO systemctl stop "$svc" 2> /dev/null || $SUDO service "$svc" stop 2> /dev/null || true
  done
fi
echo "test services ready: postgresql $(ls /usr/lib/postgresql/), $(redis-server --version | cut -d' ' -f3), $(promtool --version 2>&1 | head -1 | cut -d' ' -f1-3), $(chromium --version 2>/dev/null), wrk"
