#!/usr/bin/env bash
# Installs the real programs the real-program test suites use (Debian packages). Idempotent.
set -euo pipefail
pkgs=(nginx lighttpd gunicorn openssh-server iproute2 wrk procps attr acl libxml2-utils)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: all present (${pkgs[*]})"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  # A root container has no sudo; a developer's machine usually has it.
  if command -v sudo >/dev/null 2>&1; then exec sudo -- bash "$0" "$@"; fi
  echo "install-test-deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Debian's packages start their services on install where they can; the tests start their
# own instances on their own ports and config, so that does not matter here.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-test-deps: installed ${missing[*]}"
