#!/bin/bash
# Usage: test-exports.sh MODULE SYMBOL...
# The module's dynamic symbol table defines exactly SYMBOL...: what its host's
# loader looks up, and nothing a symbol of the host could collide with.
set -u
module=$1
shift
echo "1..1"
if ! defined=$(nm -D --defined-only --format=posix "$module" | awk '{print $1}' | sort); then
  echo "not ok 1 - nm could not read $module"
  exit 1
fi
expected=$(printf '%s\n' "$@" | sort)
if [ "$defined" = "$expected" ]; then
  echo "ok 1 - $(basename "$module") exports only: $*"
  exit 0
fi
echo "not ok 1 - $(basename "$module") exports other symbols than: $*"
diff <(echo "$expected") <(echo "$defined") | sed 's/^/# /'
exit 1
