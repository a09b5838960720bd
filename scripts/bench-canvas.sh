#!/usr/bin/env bash
# The canvas scale benchmark of issue 4 (BENCHMARKS.md, "Canvas"): builds the app, generates
# a 2,000-element, 3,000-flow model and measures panning, zooming and adding one element in
# the real webview under Xvfb. Pass a model to measure that one instead.
# `--no-build` skips the build, for repeated runs of the app built last time.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# A private copy of the app: other builds in the shared target folder may replace the binary.
export RAMPART_APP="$ROOT/target/bench/rampart-app"
if [ "${1:-}" = "--no-build" ]; then
  shift
else
  build_app
  mkdir -p "$(dirname "$RAMPART_APP")"
  cp target/debug/rampart-app "$RAMPART_APP"
fi
command -v tauri-driver >/dev/null || { say "installing tauri-driver"; cargo install tauri-driver --locked --quiet; }
npm_install tests/e2e
say "canvas scale benchmark (Xvfb, software rendering)"
xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/bench/scale.bench.mjs "$@"
