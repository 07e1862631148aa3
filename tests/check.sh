#!/usr/bin/env bash
# apppass: install what the tests need (Debian 12), build with warnings as
# errors, run every suite. Exits non-zero on any failure.
#
#   tests/check.sh          the gating tier (what CI runs; under 20 minutes)
#   tests/check.sh --full   adds the long runs: minutes of fuzzing, Claws Mail
#                           under Valgrind, more benchmark runs
set -euo pipefail

full=0
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "check.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
build=${APPPASS_BUILD_DIR:-$root/build-check}

bash "$root/tests/install-deps.sh"

echo "check.sh: checking the format of the C sources"
( cd "$root" && git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build' |
    xargs -r clang-format --dry-run --Werror )

if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" "$root" -Dwerror=true -Dclaws_mail=enabled -Devolution=enabled
else
  meson setup "$build" "$root" -Dwerror=true -Dclaws_mail=enabled -Devolution=enabled
fi
meson compile -C "$build"

echo "check.sh: checking where meson install puts the plugin and its helper"
dest=$(mktemp -d)
DESTDIR="$dest" meson install -C "$build" --no-rebuild --quiet
prefix=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json,sys; o={x["name"]:x["value"] for x in json.load(sys.stdin)}; print(o["prefix"] + "/" + o["libexecdir"])')
for f in "$(pkg-config --variable=plugindir claws-mail)/apppass.so" \
    "$(pkg-config --variable=moduledir evolution-shell-3.0)/module-apppass.so" \
    "$prefix/apppass-login-helper"; do
  [ -f "$dest$f" ] || { echo "check.sh: meson install did not install $f" >&2; exit 1; }
done
rm -rf "$dest"

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 || status=1
# Read now: the benchmark run below rewrites testlog.json.
summary=$(python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    key = {"OK": "passed", "EXPECTEDFAIL": "passed", "SKIP": "skipped"}.get(r, "failed")
    counts[key] += 1
print(f"suites: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
sys.exit(1 if counts["failed"] or counts["skipped"] else 0)
PY
) || status=1

# The core under AddressSanitizer and UndefinedBehaviorSanitizer: the unit and
# command suites, the keyring and the login check.
echo "check.sh: unit, command, keyring and login suites under ASan and UBSan"
asan=${build}-asan
if [ ! -f "$asan/build.ninja" ]; then
  meson setup "$asan" "$root" -Dwerror=true -Dclaws_mail=disabled -Devolution=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
meson compile -C "$asan" >/dev/null
# Leaks are judged by the fuzz runs: GLib's test harness keeps what it
# allocates for isolated test folders, and its frames cannot be told apart here.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C "$asan" --suite unit --suite keyring --suite login --print-errorlogs \
    --num-processes 2 || status=1

# Fuzzing: at least 10,000 inputs per target here, minutes each with --full.
echo "check.sh: fuzzing"
if [ "$full" = 1 ]; then
  bash "$root/tests/fuzz.sh" 300 || status=1
else
  bash "$root/tests/fuzz.sh" || status=1
fi

# Figures, never pass/fail: printed so every run shows them. --full takes
# more runs of Claws Mail's start with and without the plugin.
if [ "$full" = 1 ]; then
  APPPASS_BENCH_RUNS=7 meson test -C "$build" --benchmark --verbose || status=1
else
  meson test -C "$build" --benchmark --verbose || status=1
fi

# Valgrind (--full): the real Claws Mail under memcheck through the
# end-to-end flows (all but the 50-account load flow). It fails on any memory
# error or definite leak with a frame in apppass.so; Claws' and its libraries'
# own known leaks are listed in tests/claws-mail/valgrind.supp.
if [ "$full" = 1 ]; then
  echo "check.sh: Claws Mail under Valgrind memcheck"
  APPPASS_VALGRIND=1 \
  APPPASS_TEST_ONLY=gmail,pop3,tls,proxy,passphrase,smtp,yahoo,many,twice,busy,unknown \
    meson test -C "$build" test-claws --print-errorlogs --num-processes 1 \
      --timeout-multiplier 4 || status=1
fi

# The closing line: every suite (a skipped one counts as a failure here).
echo "$summary"
exit $status
