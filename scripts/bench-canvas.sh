#!/usr/bin/env bash
# The canvas scale benchmark of issue 4 (BENCHMARKS.md, "Canvas"): builds the app, generates
# a 2,000-element, 3,000-flow model and measures panning, zooming and adding one element in
# the real webview under Xvfb. Pass a model to measure that one instead.
# `--no-build` skips the build, for repeated runs of an app already built.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ "${1:-}" = "--no-build" ]; then shift; else build_app; fi
command -v tauri-driver >/dev/null || { say "installing tauri-driver"; cargo install tauri-driver --locked --quiet; }
npm_install tests/e2e
say "canvas scale benchmark (Xvfb, software rendering)"
xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/bench/scale.bench.mjs "$@"
