#!/bin/bash
# apppass tests: adding a provider is adding one file.
# Copies the source tree, drops one new common/providers/*.ini into it and
# nothing else, builds the command there and asks it for its providers: the
# new one must be built in. A hand-kept list anywhere in the build would leave
# it out. Usage: test-provider-file.sh SOURCE_ROOT
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..3"
# Build directories (they hold build.ninja) and git's own data stay behind.
mkdir "$tmp/src"
tar -C "$src" --exclude=./.git --exclude-tag-all=build.ninja -cf - . | tar -C "$tmp/src" -xf -
cat > "$tmp/src/common/providers/zz-example.ini" <<'INI'
[Provider]
Id=zz-example
Name=Example Mail
Domains=mail.example;
ImapHosts=imap.mail.example;
ImapServer=imap.mail.example:993:tls
Policy=always
AppPasswordUrl=https://mail.example/app-passwords
INI
echo "ok 1 - the tree is copied and zz-example.ini added"

if meson setup "$tmp/b" "$tmp/src" -Dclaws_mail=disabled -Devolution=disabled >"$tmp/setup.log" 2>&1 &&
  ninja -C "$tmp/b" clients/cli/apppass >"$tmp/build.log" 2>&1; then
  echo "ok 2 - the copy builds"
else
  sed 's/^/# /' "$tmp/setup.log" "$tmp/build.log" 2>/dev/null | tail -40
  echo "not ok 2 - the copy builds"
  exit 1
fi

# No user or system provider folders: what is listed is built in.
mkdir "$tmp/config"
if XDG_CONFIG_HOME="$tmp/config" XDG_CONFIG_DIRS="$tmp/config" \
  "$tmp/b/clients/cli/apppass" providers --json </dev/null | grep -q '"id" *: *"zz-example"'; then
  echo "ok 3 - apppass providers lists zz-example"
else
  echo "not ok 3 - apppass providers lists zz-example"
  exit 1
fi
