#!/bin/bash
# apppass tests: the desktop keyring is the command's alone. A mail client's
# plugin stores passwords where that client reads them, so it must carry none
# of our keyring code and not link libsecret for it (it cost half of Claws'
# dlopen()). Usage: test-no-keyring.sh MODULE...
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

echo "1..$(($# * 2))"
n=0
for module in "$@"; do
  name=$(basename "$module")
  ours=$(nm -D --defined-only "$module" | grep -c ' apppass_keyring_')
  n=$((n + 1))
  if [ "$ours" = 0 ]; then
    echo "ok $n - $name defines no apppass_keyring_ symbol"
  else
    echo "not ok $n - $name defines $ours apppass_keyring_ symbols"
  fi
  calls=$(nm -D --undefined-only "$module" | grep -c ' secret_')
  n=$((n + 1))
  if [ "$calls" = 0 ]; then
    echo "ok $n - $name calls no libsecret function"
  else
    echo "not ok $n - $name calls $calls libsecret functions"
  fi
done
