#!/usr/bin/env bash
# apppass: build the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, seed them from the tests' tables, and run each.
#
#   tests/fuzz/fuzz.sh           at least 10,000 inputs per target (the gating tier)
#   tests/fuzz/fuzz.sh SECONDS   SECONDS per target (tests/check.sh --full)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${APPPASS_FUZZ_BUILD:-$root/build-fuzz}
seconds=${1:-}
targets=(diagnosis password provider login-reply display)

# A build folder kept from an older tree (the Debian 13 root keeps its own) is
# configured again; what the build says is shown only when it fails.
setup=(-Dfuzzing=true -Dclaws_mail=disabled -Devolution=disabled
  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized)
[ -f "$build/build.ninja" ] && setup+=(--reconfigure)
mkdir -p "$build"
if ! { CC=clang meson setup "${setup[@]}" "$build" "$root" &&
    meson compile -C "$build" $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}"); } \
    >"$build/fuzz-build.log" 2>&1; then
  cat "$build/fuzz-build.log" >&2
  echo "fuzz.sh: the fuzz targets did not build" >&2
  exit 1
fi
python3 "$root/tests/fuzz/make-seeds.py" "$root" "$build/fuzz-seeds"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# The provider files' translated steps are read in the test's own locale.
export LC_ALL=C.UTF-8

status=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  mkdir -p "$corpus"
  if [ -n "$seconds" ]; then
    limit=(-max_total_time="$seconds")
  else
    limit=(-runs=10000)
  fi
  log="$build/fuzz-$t.log"
  if "$build/tests/fuzz/fuzz-$t" "${limit[@]}" -max_len=65536 -timeout=10 \
      "$corpus" "$build/fuzz-seeds/$t" >"$log" 2>&1; then
    echo "fuzz-$t: $(grep -E '^(Done|#[0-9]+.*DONE)' "$log" | tail -1)"
  else
    echo "fuzz-$t: FAILED (see $log)"; tail -30 "$log"; status=1
  fi
done
exit $status
