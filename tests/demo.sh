#!/usr/bin/env bash
# apppass demo: Claws Mail with the plugin, in a throwaway profile, against
# the project's test mail server impersonating Gmail with two-step
# verification on (in front of a real Dovecot mailbox, all on loopback).
#
#   tests/demo.sh              on your display: the apppass dialog appears;
#                              paste  abcd efgh ijkl mnop  and press "Check and save"
#   tests/demo.sh --headless   on a private Xvfb display, driven through
#                              AT-SPI; prints a one-line verdict and a screenshot
#   tests/demo.sh --client evolution [--headless]   the same in Evolution
set -euo pipefail

headless=0
client=claws-mail
while [ $# -gt 0 ]; do
  case "$1" in
    --headless) headless=1 ;;
    --client) client=${2:-}; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

root=$(cd "$(dirname "$0")/.." && pwd)
build=${APPPASS_BUILD_DIR:-$root/build-demo}

case "$client" in
  claws-mail|evolution) ;;
  *) echo "demo.sh: --client is claws-mail or evolution" >&2; exit 2 ;;
esac

bash "$root/tests/install-deps.sh"
if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" "$root" -Dclaws_mail=enabled -Devolution=enabled >/dev/null
else
  meson setup "$build" "$root" -Dclaws_mail=enabled -Devolution=enabled >/dev/null
fi
meson compile -C "$build" >/dev/null

export APPPASS_TEST_SERVER="$build/tests/server/apppass-test-server"
export APPPASS_LOGIN_HELPER="$build/common/apppass-login-helper"
export APPPASS_CLAWS_PLUGIN="$build/clients/claws-mail/apppass.so"
export APPPASS_EVOLUTION_MODULE="$build/clients/evolution/module-apppass.so"
export APPPASS_DEMO_OUT="$build/demo"
demo="$root/tests/$client/demo.py"

if [ $headless = 1 ]; then
  exec bash "$root/tests/lib/x-session.sh" /usr/bin/python3 "$demo" --headless
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo.sh: no display here; run it on a desktop, or with --headless" >&2
  exit 2
fi
if [ "$client" = evolution ]; then
  # Evolution's services and keyring live on the session bus: a private one
  # (and a throwaway home) keeps the demo away from your own accounts.
  exec env APPPASS_X_DISPLAY=keep bash "$root/tests/lib/x-session.sh" /usr/bin/python3 "$demo"
fi
exec /usr/bin/python3 "$demo"
