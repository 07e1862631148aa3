#!/usr/bin/env bash
# Runs a command on its own Xvfb display inside a private D-Bus session (where
# the accessibility bus starts by itself), with a throwaway HOME.
set -euo pipefail

tmp=$(mktemp -d "${TMPDIR:-/tmp}/apppass-x-XXXXXX")
chmod 755 "$tmp"
xvfb=""
trap '[ -z "$xvfb" ] || { kill $xvfb 2>/dev/null || true; wait $xvfb 2>/dev/null || true; }; rm -rf "$tmp"' EXIT
# APPPASS_X_DISPLAY=keep: the caller's display (the interactive demo), the
# rest as private as ever.
if [ "${APPPASS_X_DISPLAY:-}" != keep ]; then
  Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$tmp/display" >/dev/null 2>&1 </dev/null &
  xvfb=$!
  for _ in $(seq 200); do
    [ -s "$tmp/display" ] && break
    kill -0 $xvfb 2>/dev/null || { echo "x-session: Xvfb did not start" >&2; exit 1; }
    sleep 0.05
  done
  DISPLAY=":$(head -n1 "$tmp/display")"
  export DISPLAY
fi
mkdir -p "$tmp/home" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime" XDG_CONFIG_HOME="$tmp/home/.config"
export XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache"
export GSETTINGS_BACKEND=memory
# Services the bus starts (the accessibility registry) write to the bus's
# standard output: that goes to stderr, the command keeps the real stdout.
dbus-run-session -- sh -c 'exec "$@" >&3 3>&-' sh "$@" 3>&1 1>&2
