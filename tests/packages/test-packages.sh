#!/usr/bin/env bash
# apppass: the Debian packages as a user gets them. As root:
#   tests/packages/test-packages.sh [--debian 12|13] [--keep] [--debs DIR]
# 1. builds them with dpkg-buildpackage in a fresh Debian root that has only
#    build-essential and debian/control's Build-Depends (so the list is
#    complete), and runs lintian there (any error fails);
# 2. installs them into a second fresh root with `apt-get install ./*.deb`
#    (which must bring Claws Mail and Evolution), and runs the real flows
#    against the installed files only: the command's end-to-end test, the
#    Claws Mail and Evolution end-to-end flows, then tests/packages/packages-lifecycle.py
#    (a password saved in each client, the packages purged, both clients
#    started again, the keyring and Claws' password store untouched).
# Roots live in $APPPASS_PKG_WORK (default /var/tmp/apppass-packages) and are
# removed at the end unless --keep; the bare debootstrap output and the
# downloaded .debs are cached in /var/cache/apppass/pkg. --debs DIR skips the
# build and tests the .debs in DIR (and its apppass-test-server), as a run
# with --keep leaves them in $APPPASS_PKG_WORK/debian-N/debs. Prints TAP.
set -euo pipefail

release=12
keep=0
debs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --debian) release=${2:?--debian 12|13}; shift 2 ;;
    --keep) keep=1; shift ;;
    --debs) debs=$(cd "${2:?--debs DIR}" && pwd); shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "test-packages.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$release" in
  12) suite=bookworm ;;
  13) suite=trixie ;;
  *) echo "test-packages.sh: --debian 12 or 13" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "test-packages.sh: run as root (debootstrap, chroot)" >&2; exit 2; }

src=$(cd "$(dirname "$0")/../.." && pwd)
work=${APPPASS_PKG_WORK:-/var/tmp/apppass-packages}/debian-$release
cache=/var/cache/apppass/pkg
mirror=http://deb.debian.org/debian
mkdir -p "$work" "$cache/apt-debian-$release"

step=0
failed=0
ok() { step=$((step + 1)); echo "ok $step - $*"; }
not_ok() { step=$((step + 1)); failed=1; echo "not ok $step - $*"; }
note() { echo "# $(date -u +%T) $*"; }

# Every mount is undone on any exit, a failed or interrupted run included.
mounts=()
unmount_all() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -l "${mounts[$i]}" 2>/dev/null || true
  done
  mounts=()
}
# A root is deleted only with nothing mounted in it: a /dev left bound by a
# killed run would otherwise take the host's /dev with it.
remove_root() { # remove_root DIR
  local dir=$1 m
  [ -e "$dir" ] || return 0
  for m in $(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" || true
  done
  if awk -v d="$dir/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    echo "test-packages.sh: $dir still has mounts; not deleting it" >&2
    return 1
  fi
  rm -rf "$dir"
}
cleanup() {
  unmount_all
  if [ "$keep" = 0 ]; then remove_root "$work/build-root"; remove_root "$work/test-root"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bind() { # bind SOURCE TARGET
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounts+=("$2")
}

# A fresh root from the cached debootstrap output (made once per release).
fresh_root() { # fresh_root DIR
  local dir=$1 base=$cache/debian-$release-minbase.tar
  if [ ! -s "$base" ]; then
    note "debootstrap $suite (once; cached in $base)"
    rm -rf "$work/base"
    debootstrap --variant=minbase --cache-dir="$cache/apt-debian-$release" \
      "$suite" "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1
    tar -C "$work/base" -cf "$base.tmp" . && mv "$base.tmp" "$base"
    rm -rf "$work/base"
  fi
  remove_root "$dir"
  mkdir -p "$dir"
  tar -C "$dir" -xf "$base"
  cat >"$dir/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  mount -t proc proc "$dir/proc" && mounts+=("$dir/proc")
  mount -t sysfs sys "$dir/sys" && mounts+=("$dir/sys")
  bind /dev "$dir/dev"
  mount -t devpts -o newinstance,ptmxmode=0666 devpts "$dir/dev/pts" && mounts+=("$dir/dev/pts")
  mount -t tmpfs -o mode=1777 shm "$dir/dev/shm" && mounts+=("$dir/dev/shm")
  bind "$cache/apt-debian-$release" "$dir/var/cache/apt/archives"
  in_root "$dir" apt-get update -qq
}

in_root() { # in_root DIR COMMAND...
  local dir=$1
  shift
  chroot "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

apt_install() { # apt_install DIR PACKAGES...
  local dir=$1
  shift
  in_root "$dir" apt-get install -y -qq --no-install-recommends "$@" >>"$work/apt.log" 2>&1
}

started=$(date +%s)
: >"$work/apt.log"

out=${debs:-$work/debs}
# 1. Build in a root with build-essential and the Build-Depends only.
build_packages() {
  local broot=$work/build-root t
  note "build root"
  fresh_root "$broot"
  mkdir -p "$broot/build/apppass"
  (cd "$src" && git ls-files -co --exclude-standard | grep -v -e '^build' -e '^obj-' |
    tar -cf - -T -) | tar -xf - -C "$broot/build/apppass"
  apt_install "$broot" build-essential lintian
  if in_root "$broot" apt-get build-dep -y -qq --no-install-recommends /build/apppass \
      >>"$work/apt.log" 2>&1; then
    ok "Debian $release: the Build-Depends install (apt-get build-dep)"
  else
    not_ok "Debian $release: the Build-Depends install (apt-get build-dep; see $work/apt.log)"
    exit 1
  fi
  note "dpkg-buildpackage"
  t=$(date +%s)
  if in_root "$broot" sh -c 'cd /build/apppass && dpkg-buildpackage -us -uc -b' \
      >"$work/build.log" 2>&1; then
    ok "Debian $release: dpkg-buildpackage -us -uc -b builds with only those ($(($(date +%s) - t)) s)"
  else
    tail -n 40 "$work/build.log" | sed 's/^/# /'
    not_ok "Debian $release: dpkg-buildpackage (see $work/build.log)"
    exit 1
  fi
  in_root "$broot" sh -c 'cd /build && lintian -EvIL +pedantic --tag-display-limit 0 *.changes' \
    >"$work/lintian.log" 2>&1 || true
  sed -n '/^[EWI]: /p' "$work/lintian.log" | sed 's/^/# lintian: /'
  if grep -q '^E: ' "$work/lintian.log"; then
    not_ok "Debian $release: lintian reports errors"
  else
    ok "Debian $release: lintian reports no error ($(grep -c '^W: ' "$work/lintian.log" || true) warnings)"
  fi
  rm -rf "$out" && mkdir -p "$out"
  cp "$broot"/build/*.deb "$out/"
  ls "$out" | sed 's/^/# built: /'
  # The test server impersonates the providers; it is test equipment, not part of
  # any package, so it comes from the same build.
  cp "$broot"/build/apppass/obj-*/tests/server/apppass-test-server "$out/"
  unmount_all
  [ "$keep" = 1 ] || remove_root "$broot"
}
[ -n "$debs" ] || build_packages

# 2. Install into a fresh root; the tests' own tools first, the clients come
# with the packages.
note "test root"
troot=$work/test-root
fresh_root "$troot"
apt_install "$troot" python3 python3-gi python3-pyatspi gir1.2-atspi-2.0 gir1.2-gtk-3.0 \
  at-spi2-core xvfb xdotool dbus dbus-x11 gnome-keyring libsecret-tools strace openssl \
  dovecot-imapd dovecot-pop3d dovecot-submissiond adwaita-icon-theme librsvg2-common \
  fonts-dejavu-core procps psmisc locales
in_root "$troot" localedef -i nl_NL -c -f UTF-8 nl_NL.UTF-8
for p in claws-mail evolution; do
  if in_root "$troot" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    not_ok "Debian $release: the test root already has $p" && exit 1
  fi
done
mkdir -p "$troot/debs" "$troot/opt/apppass-tests"
cp "$out"/*.deb "$troot/debs/"
rm -f "$troot"/debs/*-dbgsym_*.deb
(cd "$src" && tar -cf - --exclude=__pycache__ tests/lib tests/cli tests/packages tests/claws-mail tests/evolution \
  tests/server) |
  tar -xf - -C "$troot/opt/apppass-tests"
install -m 755 "$out/apppass-test-server" "$troot/opt/apppass-tests/apppass-test-server"
t=$(date +%s)
if in_root "$troot" sh -c 'apt-get install -y -qq --no-install-recommends /debs/*.deb' \
    >>"$work/apt.log" 2>&1; then
  ok "Debian $release: apt-get install ./*.deb installs them with Claws Mail and Evolution ($(($(date +%s) - t)) s)"
else
  not_ok "Debian $release: apt-get install ./*.deb (see $work/apt.log)"
  exit 1
fi
claws_plugin=$(in_root "$troot" dpkg -L claws-mail-apppass-plugin | grep '/apppass\.so$')
evolution_module=$(in_root "$troot" dpkg -L evolution-plugin-apppass | grep '/module-apppass\.so$')
for f in /usr/bin/apppass /usr/libexec/apppass-login-helper "$claws_plugin" "$evolution_module" \
    /usr/share/locale/nl/LC_MESSAGES/apppass.mo /usr/share/locale/lv/LC_MESSAGES/apppass.mo; do
  if [ -f "$troot$f" ]; then ok "installed: $f"; else not_ok "installed: $f"; fi
done

# The tests run on the installed files: no APPPASS_LOGIN_HELPER or
# APPPASS_LOCALEDIR (so the compiled-in /usr paths are used), no build tree.
run_test() { # run_test NAME [VAR=VALUE...] -- COMMAND...
  local name=$1 vars=()
  shift
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  note "$name"
  t=$(date +%s)
  if in_root "$troot" env G_TEST_SRCDIR=/opt/apppass-tests/tests G_TEST_BUILDDIR=/tmp \
      APPPASS_TEST_SERVER=/opt/apppass-tests/apppass-test-server "${vars[@]}" "$@" \
      >"$work/$name.log" 2>&1; then
    ok "Debian $release: $name against the installed packages ($(($(date +%s) - t)) s)"
  else
    # A suite that crashed has no TAP verdict to show: its last words instead.
    grep -qE '^not ok ' "$work/$name.log" || tail -n 20 "$work/$name.log" | sed 's/^/# /'
    not_ok "Debian $release: $name against the installed packages (see $work/$name.log)"
  fi
  grep -E '^(ok|not ok) ' "$work/$name.log" | sed 's/^/#   /' || true
}

T=/opt/apppass-tests/tests
providers=$(in_root "$troot" apppass providers --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$providers" -ge 24 ]; then
  ok "apppass providers --json lists $providers providers"
else
  not_ok "apppass providers --json lists $providers providers"
fi
dutch=$(printf '* NO [ALERT] Application-specific password required\r\n' |
  in_root "$troot" env LANG=nl_NL.UTF-8 LANGUAGE=nl apppass diagnose --protocol imap \
    --host imap.gmail.com --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["explanation"])')
if [ -n "$dutch" ] && ! grep -q 'needs an app password' <<<"$dutch"; then
  ok "apppass diagnose explains in Dutch from the installed catalogue"
else
  not_ok "apppass diagnose explains in Dutch from the installed catalogue: $dutch"
fi
run_test cli-flow APPPASS_CLI=/usr/bin/apppass -- bash $T/lib/keyring-session.sh python3 $T/cli/test-cli-flow.py
run_test claws-mail APPPASS_CLAWS_PLUGIN="$claws_plugin" APPPASS_TEST_ONLY=gmail,smtp -- \
  bash $T/lib/x-session.sh /usr/bin/python3 $T/claws-mail/test-claws.py
run_test evolution APPPASS_EVOLUTION_MODULE= APPPASS_TEST_ONLY=gmail -- \
  bash $T/lib/x-session.sh /usr/bin/python3 $T/evolution/test-evolution.py
run_test lifecycle APPPASS_CLAWS_PLUGIN="$claws_plugin" APPPASS_EVOLUTION_MODULE="$evolution_module" -- \
  bash $T/lib/x-session.sh /usr/bin/python3 $T/packages/packages-lifecycle.py

note "done in $(($(date +%s) - started)) s"
echo "1..$step"
exit $failed
