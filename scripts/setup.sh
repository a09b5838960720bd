#!/usr/bin/env bash
# Installs what Rampart needs on Debian 12 and builds it. Idempotent: each step checks first
# and is skipped when already done. Sourced by scripts/run.sh and scripts/test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m== %s\033[0m\n' "$*"; }

# Debian packages: WebKitGTK and friends for Tauri, Xvfb and WebKitWebDriver for the
# end-to-end tests (xdotool answers native file dialogs), poppler for checking PDFs,
# ImageMagick for screenshots.
APT_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config xvfb xauth webkit2gtk-driver
  imagemagick x11-apps poppler-utils xdotool)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "Rust (cargo) is needed: install it with rustup" >&2; exit 1; }
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2; exit 1
fi

# npm packages, reinstalled only when a lock file changed since the last install.
npm_install() {
  local dir="$1" stamp="$1/node_modules/.rampart-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_install ui

build_app() {
  say "building the UI and the app"
  npm --prefix ui run --silent build
  cargo build -p rampart-app --features custom-protocol
}
