#!/usr/bin/env bash
# Installs what the tests need that is not a crate. Idempotent: each block checks first and is
# quick when everything is already there. `apt-get update` runs at most once per call.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_UPDATED=0
apt_install() {
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# --- report (issue 14): headless Chromium, a CJK font, Node and playwright-core for tests/report_browser.rs
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${#need[@]}" -gt 0 ]; then
    apt_install "${need[@]}"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "install-deps: playwright-core needs Node >= 20, found $(node --version)" >&2
    exit 1
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm ci --no-audit --no-fund)
fi
# --- end report
