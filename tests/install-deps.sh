#!/usr/bin/env bash
# apppass: install the Debian packages that building, testing and the demo
# need (apt-get, as root or through sudo -n, never asking anything), and the
# Dutch and Latvian locales the tests read. Used by check.sh and demo.sh.
# Debian 12 and 13; the names that differ between them come from the release
# in /etc/os-release.
set -euo pipefail

release=$(. /etc/os-release && echo "${VERSION_ID:-}")
# The sanitizer and fuzzer runtimes belong to the clang version that "clang"
# is on each release.
case "$release" in
  12) clang_version=14 ;;
  13) clang_version=19 ;;
  *) clang_version=$(apt-cache depends clang 2>/dev/null | grep -o 'clang-[0-9]*' | head -1 | cut -d- -f2)
     [ -n "$clang_version" ] || { echo "install-deps: unknown release '$release' and no clang in apt" >&2; exit 1; } ;;
esac

# The clients' development packages too: the build enables their plugins and
# must fail loudly without them.
packages=(
  meson ninja-build pkg-config gcc python3 gettext locales clang-format strace openssl curl
  gnome-keyring dbus dbus-x11 libsecret-tools dovecot-imapd dovecot-pop3d dovecot-submissiond
  libglib2.0-dev libjson-glib-dev
  libetpan-dev libsasl2-modules dpkg-dev libsecret-1-dev glib-networking
  xvfb at-spi2-core python3-gi gir1.2-atspi-2.0 gir1.2-gtk-3.0 python3-pyatspi
  valgrind gdb
  adwaita-icon-theme librsvg2-common fonts-dejavu-core clang "libclang-rt-$clang_version-dev"
  claws-mail libgtk-3-dev libclaws-mail-dev evolution-dev evolution-data-server-dev libebook1.2-dev
  evolution evolution-data-server xdotool x11-utils gnome-online-accounts
  isync msmtp neomutt
  # check.sh --debian 13 makes its Debian 13 root with it (tests/debian/debian-root.sh).
  debootstrap
)

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo -n"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" </dev/null
fi

for loc in nl_NL lv_LV; do
  if ! locale -a 2>/dev/null | grep -qi "^${loc}\.utf-\?8$"; then
    $sudo localedef -i "$loc" -c -f UTF-8 "$loc.UTF-8"
  fi
done
