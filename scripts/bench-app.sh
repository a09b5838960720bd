#!/usr/bin/env bash
# Benchmarks of the real app under Xvfb (BENCHMARKS.md): builds the UI and the app, then runs
# tests/e2e/bench/NAME.bench.mjs against a private copy of it.
#
#   scripts/bench-app.sh scale [--release] [--no-build] [MODEL]   canvas at scale (issue 4)
#   scripts/bench-app.sh tree  [--release] [--no-build] [MODEL]   leaf edits in a big attack tree (issue 6)
#
# `--release` measures the release build (what users run); `--no-build` the copy built last time.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
name="${1:?usage: bench-app.sh scale|tree [--release] [--no-build] [MODEL]}"
shift
profile=debug
if [ "${1:-}" = "--release" ]; then
  profile=release
  shift
fi
# A private copy of the app: other builds in the shared target folder may replace the binary.
export RAMPART_APP="$ROOT/target/bench/$profile/rampart-app"
if [ "${1:-}" = "--no-build" ]; then
  shift
else
  say "building the UI and the $profile app"
  npm --prefix ui run --silent build
  if [ "$profile" = release ]; then cargo build --release -p rampart-app --features custom-protocol; else cargo build -p rampart-app --features custom-protocol; fi
  mkdir -p "$(dirname "$RAMPART_APP")"
  cp --remove-destination "target/$profile/rampart-app" "$RAMPART_APP"
fi
command -v tauri-driver >/dev/null || { say "installing tauri-driver"; cargo install tauri-driver --locked --quiet; }
npm_install tests/e2e
say "$name benchmark ($profile app, Xvfb, software rendering)"
xvfb-run -a -s "-screen 0 1280x800x24" node "tests/e2e/bench/$name.bench.mjs" "$@"
