#!/usr/bin/env bash
# apppass: tests/debian/debian-root.sh leaves nothing behind: a command that fails
# and a run interrupted with SIGINT and with SIGTERM while its command is
# running leave no mount of the root and no process in it.
#   tests/debian/test-debian-root.sh RELEASE     (root; after debian-root.sh made the root)
set -uo pipefail
release=${1:?usage: test-debian-root.sh RELEASE}
here=$(cd "$(dirname "$0")" && pwd)
root=${APPPASS_ROOTS:-/var/cache/apppass/roots}/debian-$release
failures=0

leftovers() {  # mounts of the root (in any mount namespace), processes in it
  grep -l " $root/" /proc/[0-9]*/mountinfo 2>/dev/null | head -3
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] && echo "process $pid"
  done
}

check() {  # what, exit status seen, exit status wanted
  local left
  left=$(leftovers)
  if [ "$2" != "$3" ] || [ -n "$left" ]; then
    echo "not ok: $1: exit $2 (wanted $3); left behind: ${left:-nothing}"
    failures=$((failures + 1))
  else
    echo "ok: $1: exit $2, nothing mounted, no process left"
  fi
}

# Until its command runs, or the run ended without it.
wait_inside() {
  while kill -0 "$run" 2>/dev/null; do
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
      [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] &&
        grep -qa apppass-interrupt-me "/proc/$pid/cmdline" 2>/dev/null && return 0
    done
    sleep 0.1
  done
  return 1
}

APPPASS_ROOT_NO_UPDATE=1 bash "$here/debian-root.sh" "$release" bash -c 'exit 3' >/dev/null
check "a failing command" $? 3

for sig in INT TERM; do
  # A daemon of its own too, in the background, as the tests' Dovecot is.
  # In the background a shell would ignore SIGINT: give it back.
  APPPASS_ROOT_NO_UPDATE=1 env --default-signal=INT bash "$here/debian-root.sh" "$release" \
    bash -c 'sleep 600 & exec -a apppass-interrupt-me sleep 600' >/dev/null &
  run=$!
  if ! wait_inside; then
    echo "not ok: SIG$sig: the command never started"
    failures=$((failures + 1))
    kill -TERM "$run"
    continue
  fi
  kill -"$sig" "$run"
  wait "$run"
  status=$?
  [ "$sig" = INT ] && want=130 || want=143
  check "interrupted with SIG$sig" "$status" "$want"
done
exit $((failures > 0))
