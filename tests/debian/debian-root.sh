#!/usr/bin/env bash
# apppass: run a command as root inside a Debian root made with debootstrap
# from Debian's packages, with a clean copy of this tree in /root/apppass.
#
#   tests/debian/debian-root.sh RELEASE COMMAND...     e.g. tests/debian/debian-root.sh 13 tests/check.sh --debian 13
#
# RELEASE is 12 (bookworm) or 13 (trixie). The root is kept between runs in
# $APPPASS_ROOTS (default /var/cache/apppass/roots), made on the first run and
# brought up to date with apt-get on the next ones. /proc, /sys, /dev,
# /dev/pts and /dev/shm are mounted for the command and unmounted afterwards,
# also when it fails or the run is interrupted. Needs root (as CI has).
set -euo pipefail

release=${1:?usage: debian-root.sh RELEASE COMMAND...}
shift
[ $# -gt 0 ] || { echo "debian-root.sh: no command" >&2; exit 2; }
case "$release" in
  12) codename=bookworm ;;
  13) codename=trixie ;;
  *) echo "debian-root.sh: unknown Debian release $release (12 or 13)" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "debian-root.sh: needs root (debootstrap, chroot, mount)" >&2; exit 1; }

# Our mounts live in a mount namespace of their own: none of them can show up
# on the host, and the kernel drops them with the last process in it even if
# this script is killed outright. The trap below still unmounts them in
# order, so nothing inside keeps a file system busy.
if [ "${APPPASS_IN_ROOT_NS:-}" != 1 ]; then
  exec unshare --mount --propagation private -- \
    env APPPASS_IN_ROOT_NS=1 bash "$0" "$release" "$@"
fi

here=$(cd "$(dirname "$0")/../.." && pwd)
roots=${APPPASS_ROOTS:-/var/cache/apppass/roots}
mirror=${APPPASS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$roots/debian-$release
mkdir -p "$roots"

# One run at a time per root: apt and the copy of the tree are not shared.
exec 9>"$root.lock"
flock 9

mounted=()
child=

cleanup() {
  local status=$?
  # Every step, whatever fails: a failing wait must not skip the unmounts.
  set +e
  trap - EXIT INT TERM
  stop_root_processes
  [ -z "$child" ] || wait "$child" 2>/dev/null
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" ||
      echo "debian-root.sh: could not unmount ${mounted[i]}" >&2
  done
  mounted=()
  # The namespace would drop what is left anyway; say so, the trap is the promise.
  if grep -q " $root/" /proc/self/mountinfo; then
    echo "debian-root.sh: still mounted in $root" >&2
    [ "$status" != 0 ] || status=1
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Daemons a test started inside (Dovecot, D-Bus, the keyring, Xvfb) would keep
# the mounts busy: end those whose root is this root, and only those.
stop_root_processes() {
  local sig pid left
  for sig in TERM KILL; do
    left=0
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
      [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] || continue
      kill -"$sig" "$pid" 2>/dev/null && left=1
    done
    [ "$left" = 1 ] || return 0
    sleep 1
  done
}

mount_one() {  # target, then mount's arguments
  local target=$1
  shift
  mount "$@" "$target"
  mounted+=("$target")
}

mount_all() {
  mount_one "$root/proc" -t proc proc
  mount_one "$root/sys" -t sysfs sysfs
  mount_one "$root/dev" --bind /dev
  mount_one "$root/dev/pts" --bind /dev/pts
  # A fresh /dev/shm: the root's shared memory is not the host's.
  mount_one "$root/dev/shm" -t tmpfs -o mode=1777,nosuid,nodev shm
}

unmount_all() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}"; done
  mounted=()
}

# In the background, so that the traps run at once; a background job would
# ignore SIGINT, and so would every test inside (some send it on purpose).
in_root() {  # command..., with a plain environment: nothing of the host's leaks in
  env --default-signal=INT,QUIT chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive "$@" 9>&- &
  child=$!
  local status=0
  wait "$child" || status=$?
  child=
  return "$status"
}

make_root() {
  if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap </dev/null
  fi
  echo "debian-root.sh: making the Debian $release root in $root (debootstrap from $mirror)"
  rm -rf "$root.new"
  # debootstrap mounts /proc and /sys itself; in our namespace they cannot outlive it.
  debootstrap --variant=minbase --include=ca-certificates "$codename" "$root.new" "$mirror"
  mv "$root.new" "$root"
}

start=$SECONDS
if [ ! -f "$root/etc/os-release" ]; then
  make_root
  echo "debian-root.sh: debootstrap took $((SECONDS - start))s"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The root's downloaded packages are not kept: the disk is the host's.
echo 'APT::Keep-Downloaded-Packages "false";' > "$root/etc/apt/apt.conf.d/90apppass-no-cache"
# Dovecot reads the mount table from here; debootstrap's minbase has no link.
[ -L "$root/etc/mtab" ] || [ -e "$root/etc/mtab" ] || ln -s ../proc/self/mounts "$root/etc/mtab"

mount_all
start=$SECONDS
# APPPASS_ROOT_NO_UPDATE=1: as it is (tests of this script).
if [ "${APPPASS_ROOT_NO_UPDATE:-}" != 1 ]; then
  echo "debian-root.sh: updating the Debian $release root"
  in_root apt-get update -qq
  in_root apt-get -y -qq upgrade </dev/null
  echo "debian-root.sh: apt-get update and upgrade took $((SECONDS - start))s"
fi

# A clean copy of the tree as git sees it (tracked files and new ones, not
# ignored build folders) in place of the last run's copy, whose build folders
# are kept. A file is written only when its content changed, and then with
# the time of now: ninja rebuilds what changed, and nothing else.
copy_tree() {
  local dest=$root/root/apppass stage=$root/root/apppass.stage
  rm -rf "$stage"
  mkdir -p "$stage" "$dest"
  (cd "$here" && git ls-files -co --exclude-standard -z |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$stage"
  python3 - "$stage" "$dest" <<'PY'
import filecmp, os, shutil, sys
stage, dest = sys.argv[1:]
for top in os.listdir(dest):
    if not top.startswith("build"):
        path = os.path.join(dest, top)
        for d, dirs, files in os.walk(path, topdown=False):
            for f in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
                p = os.path.join(d, f)
                if not os.path.lexists(os.path.join(stage, os.path.relpath(p, dest))):
                    os.unlink(p)
            if not os.path.lexists(os.path.join(stage, os.path.relpath(d, dest))):
                shutil.rmtree(d, ignore_errors=True)
        if os.path.islink(path) or os.path.isfile(path):
            if not os.path.lexists(os.path.join(stage, top)):
                os.unlink(path)
for d, dirs, files in os.walk(stage):
    out = os.path.join(dest, os.path.relpath(d, stage))
    os.makedirs(out, exist_ok=True)
    for f in files:
        src, dst = os.path.join(d, f), os.path.join(out, f)
        if os.path.islink(src) or os.path.islink(dst) or not os.path.exists(dst) \
                or not filecmp.cmp(src, dst, shallow=False):
            if os.path.lexists(dst):
                os.unlink(dst)
            if os.path.islink(src):
                os.symlink(os.readlink(src), dst)
            else:
                shutil.copy(src, dst)
        else:
            shutil.copymode(src, dst)
PY
  rm -rf "$stage"
}
copy_tree

status=0
in_root bash -c 'cd /root/apppass && exec "$@"' bash "$@" </dev/null || status=$?
exit "$status"
