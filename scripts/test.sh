#!/usr/bin/env bash
# Set up everything and run the whole test suite: engine and CLI (cargo), generated
# bindings up to date, UI (Vitest), and end-to-end tests of the real app in WebKitGTK.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
command -v tauri-driver >/dev/null || { say "installing tauri-driver"; cargo install tauri-driver --locked --quiet; }
npm_install tests/e2e

say "engine and CLI tests"
cargo test -p rampart-engine -p rampart-cli

say "TypeScript bindings are generated from the Rust types and committed as generated"
if ! git diff --quiet -- ui/src/api/bindings || [ -n "$(git ls-files --others --exclude-standard ui/src/api/bindings)" ]; then
  git status --short ui/src/api/bindings
  echo "ui/src/api/bindings is out of date: run cargo test -p rampart-engine and commit it" >&2
  exit 1
fi

say "UI tests"
npm --prefix ui test

build_app
say "end-to-end tests in the real app (Xvfb + tauri-driver + WebKitWebDriver)"
# A hung test (a lost WebDriver session) fails after five minutes instead of stalling CI.
xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 --test-timeout=300000 tests/e2e/
