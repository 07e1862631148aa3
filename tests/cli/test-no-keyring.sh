#!/bin/bash
# apppass tests: the desktop keyring is the command's alone. A mail client's
# plugin stores passwords where that client reads them, so it must carry none
# of our keyring code and not link libsecret for it (it cost half of Claws'
# dlopen()). Usage: test-no-keyring.sh MODULE...
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

n=0
# expect_none MODULE NM-FLAG PATTERN WHAT: no symbol of that kind matches.
expect_none() {
  local found
  found=$(nm -D "$2" "$1" | grep -c "$3")
  n=$((n + 1))
  if [ "$found" = 0 ]; then
    echo "ok $n - $(basename "$1"): no $4"
  else
    echo "not ok $n - $(basename "$1"): $found $4"
  fi
}

echo "1..$(($# * 2))"
for module in "$@"; do
  expect_none "$module" --defined-only ' apppass_keyring_' "apppass_keyring_ symbol defined"
  expect_none "$module" --undefined-only ' secret_' "libsecret function called"
done
