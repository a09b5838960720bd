#!/usr/bin/env bash
# Set up everything, build, and launch Rampart. Pass a model path to open it.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
build_app
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: running under a virtual X server (xvfb-run)."
  exec xvfb-run -a target/debug/rampart-app "$@"
fi
exec target/debug/rampart-app "$@"
