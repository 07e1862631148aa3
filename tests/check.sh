#!/usr/bin/env bash
# apppass: install what the tests need, build with warnings as errors, run
# every suite, on Debian 12 and Debian 13. Exits non-zero on any failure.
#
#   tests/check.sh             the gating tier on Debian 12 and Debian 13 (what
#                              CI runs): this machine's release here, the other
#                              one in a root that tests/debian/debian-root.sh makes and
#                              keeps (needs root); then the Debian packages of
#                              both releases, built, linted, installed, used in
#                              both clients and removed (tests/packages/test-packages.sh)
#   tests/check.sh --full      adds the long runs: minutes of fuzzing, Claws Mail
#                              under Valgrind, more benchmark runs
#   tests/check.sh --debian N  one release only (12 or 13; all is the default),
#                              without the packages
#   tests/check.sh --no-packages  both releases, without the packages
set -euo pipefail

full=0
debian=all
packages=1
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=1 ;;
    --debian) debian=${2:-}; packages=0; shift ;;
    --debian=*) debian=${1#--debian=}; packages=0 ;;
    --no-packages) packages=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "check.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$debian" in
  12|13|all) ;;
  *) echo "check.sh: --debian takes 12, 13 or all, not '$debian'" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
here_release=$(. /etc/os-release && echo "${VERSION_ID:-}")

# Each part says how long it took; the list comes again at the end.
times=()
timed() {  # name, command...
  local name=$1 start=$SECONDS status=0
  shift
  "$@" || status=$?
  times+=("$(printf '%-34s %5ss' "$name" $((SECONDS - start)))")
  echo "check.sh: $name took $((SECONDS - start))s"
  return $status
}
print_times() {
  echo "check.sh: times on Debian $here_release"
  printf '  %s\n' "${times[@]}"
}

# Another release than this machine's: the same script inside that release's
# root, on a clean copy of the tree.
if [ "$debian" != "$here_release" ]; then
  runs=()
  case "$debian" in all) runs=(12 13) ;; *) runs=("$debian") ;; esac
  status=0
  # Each release's closing line ("Debian N: suites: …") comes again at the end.
  output=$(mktemp)
  trap 'rm -f "$output"' EXIT
  logged() { "$@" | tee -a "$output"; return "${PIPESTATUS[0]}"; }
  for r in "${runs[@]}"; do
    args=(--debian "$r")
    [ "$full" = 0 ] || args+=(--full)
    if [ "$r" = "$here_release" ]; then
      timed "Debian $r (here)" logged bash "$0" "${args[@]}" || status=1
    else
      timed "Debian $r (in a root)" logged bash "$root/tests/debian/debian-root.sh" "$r" tests/check.sh \
        "${args[@]}" || status=1
      # The root's mounts and processes go with a failing or interrupted run.
      timed "Debian $r root: nothing left behind" bash "$root/tests/debian/test-debian-root.sh" "$r" ||
        status=1
    fi
  done
  # The packages a user installs, for each release run above: built in a
  # fresh root, linted, installed there with apt and used in both clients.
  if [ "$packages" = 1 ]; then
    for r in "${runs[@]}"; do
      timed "Debian $r packages" bash "$root/tests/packages/test-packages.sh" --debian "$r" || status=1
    done
  fi
  print_times
  grep '^Debian [0-9]*: suites:' "$output" || true
  [ "$status" = 0 ] && echo "check.sh: Debian ${runs[*]}: every suite passed" ||
    echo "check.sh: Debian ${runs[*]}: failures above" >&2
  exit $status
fi

build=${APPPASS_BUILD_DIR:-$root/build-check}

timed "install (apt)" bash "$root/tests/install-deps.sh"

# The format is the tree's: checked where the tree is a git checkout (the
# host), not again in a root's copy, whose clang-format is another version.
check_format() {
  echo "check.sh: checking the format of the C sources"
  ( cd "$root" && git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build' |
      xargs -r clang-format --dry-run --Werror )
}
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  timed "format" check_format
fi

build_all() {
  if [ -f "$build/build.ninja" ]; then
    meson setup --reconfigure "$build" "$root" -Dwerror=true -Dclaws_mail=enabled -Devolution=enabled
  else
    meson setup "$build" "$root" -Dwerror=true -Dclaws_mail=enabled -Devolution=enabled
  fi
  meson compile -C "$build"
}
timed "build" build_all

check_install() {
  echo "check.sh: checking where meson install puts the plugin and its helper"
  local dest prefix f
  dest=$(mktemp -d)
  DESTDIR="$dest" meson install -C "$build" --no-rebuild --quiet
  prefix=$(meson introspect "$build" --buildoptions |
    python3 -c 'import json,sys; o={x["name"]:x["value"] for x in json.load(sys.stdin)}; print(o["prefix"] + "/" + o["libexecdir"])')
  for f in "$(pkg-config --variable=plugindir claws-mail)/apppass.so" \
      "$(pkg-config --variable=moduledir evolution-shell-3.0)/module-apppass.so" \
      "$prefix/apppass-login-helper"; do
    [ -f "$dest$f" ] || { echo "check.sh: meson install did not install $f" >&2; return 1; }
  done
  rm -rf "$dest"
}
timed "meson install" check_install

status=0
timed "suites" meson test -C "$build" --print-errorlogs --num-processes 2 || status=1
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
run_asan() {
  echo "check.sh: unit, command, keyring and login suites under ASan and UBSan"
  local asan=${build}-asan
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
      --num-processes 2
}
timed "ASan and UBSan" run_asan || status=1

# Fuzzing: at least 10,000 inputs per target here, minutes each with --full.
echo "check.sh: fuzzing"
if [ "$full" = 1 ]; then
  timed "fuzzing" bash "$root/tests/fuzz/fuzz.sh" 300 || status=1
else
  timed "fuzzing" bash "$root/tests/fuzz/fuzz.sh" || status=1
fi

# Figures, never pass/fail: printed so every run shows them. --full takes
# more runs of Claws Mail's start with and without the plugin.
if [ "$full" = 1 ]; then
  APPPASS_BENCH_RUNS=7 timed "benchmarks" meson test -C "$build" --benchmark --verbose || status=1
else
  timed "benchmarks" meson test -C "$build" --benchmark --verbose || status=1
fi

# Valgrind (--full): the real Claws Mail under memcheck through the
# end-to-end flows (all but the 50-account load flow). It fails on any memory
# error or definite leak with a frame in apppass.so; Claws' and its libraries'
# own known leaks are listed in tests/claws-mail/valgrind.supp.
if [ "$full" = 1 ]; then
  echo "check.sh: Claws Mail under Valgrind memcheck"
  APPPASS_VALGRIND=1 \
  APPPASS_TEST_ONLY=gmail,pop3,tls,proxy,passphrase,smtp,yahoo,many,twice,busy,unknown \
    timed "Valgrind" meson test -C "$build" test-claws --print-errorlogs --num-processes 1 \
      --timeout-multiplier 4 || status=1
fi

print_times
# The closing line: every suite (a skipped one counts as a failure here).
echo "Debian $here_release: $summary"
exit $status
