#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real, unlocked
# gnome-keyring, in throwaway HOME and XDG folders.
#   keyring-session.sh COMMAND [ARGS...]
# The environment is set before dbus-run-session: services the bus starts
# inherit the bus daemon's environment, not this script's.
set -euo pipefail

work=$(mktemp -d "${TMPDIR:-/tmp}/apppass-keyring-XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

inner=$(cat <<'INNER'
set -eu
# A non-empty unlock password: an empty one makes the daemon ask a GUI prompt.
printf 'apppass-test-unlock' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
for _ in $(seq 100); do
  if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
       --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null |
       grep -q true; then
    break
  fi
  sleep 0.1
done
exec "$@"
INNER
)
dbus-run-session -- sh -c "$inner" apppass-keyring "$@"
