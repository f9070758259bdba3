#!/usr/bin/env bash
# Installs the Debian packages the tests and the lab need (pax: the real archiver the
# agent drives; xmllint and chromium for the deploy and status-page tests). Does nothing
# when they are present; needs root otherwise.
set -euo pipefail
needed=()
command -v pax >/dev/null 2>&1 || needed+=(pax)
command -v xmllint >/dev/null 2>&1 || needed+=(libxml2-utils)
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "twinzone: missing Debian packages: ${needed[*]}; run: sudo apt-get update && sudo apt-get install -y ${needed[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${needed[@]}"
