#!/usr/bin/env bash
# Stops the Dovecot that start-dovecot.sh WORKDIR started.
set -u
work=${1:?usage: stop-dovecot.sh WORKDIR}
[ -f "$work/dovecot.conf" ] || exit 0
doveadm -c "$work/dovecot.conf" stop >/dev/null 2>&1 ||
  { [ -f "$work/run/master.pid" ] && kill "$(cat "$work/run/master.pid")"; }
for _ in $(seq 50); do
  [ -f "$work/run/master.pid" ] || exit 0
  sleep 0.1
done
exit 0
