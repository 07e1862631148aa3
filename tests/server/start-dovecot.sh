#!/usr/bin/env bash
# Starts a private Dovecot on loopback for the tests: IMAP, POP3 and
# submission, each with STARTTLS and with implicit TLS, one passwd-file user.
#   start-dovecot.sh WORKDIR
# Writes WORKDIR/certs (the test CA and server certificate), WORKDIR/dovecot-ports
# (imap= imaps= pop3= pop3s= submission= submissions=) and
# WORKDIR/backend-password (the user's password, random, never printed).
# stop-dovecot.sh WORKDIR stops it. Dovecot's own users must be able to reach
# WORKDIR: its parent folders must be traversable (mode 755).
set -euo pipefail
work=$(cd "${1:?usage: start-dovecot.sh WORKDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
user=ann@gmail.com

# Dovecot's login and auth processes run as their own users: they must reach these files.
chmod 755 "$work"
mkdir -p "$work/run" "$work/mail" "$work/certs"
bash "$here/make-certs.sh" "$work/certs"
chmod 644 "$work/certs/"*.pem

if [ "$(id -u)" = 0 ]; then
  # Dovecot never serves mail as root.
  mail_uid=65534 mail_gid=65534 login_user=dovenull internal_user=dovecot
  chown 65534:65534 "$work/mail"
else
  mail_uid=$(id -u) mail_gid=$(id -g) login_user=$(id -un) internal_user=$(id -un)
fi

head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/backend-password"
printf '%s:{PLAIN}%s::::::\n' "$user" "$(cat "$work/backend-password")" > "$work/passwd"
chmod 644 "$work/passwd"

# Free ports, chosen by the kernel.
read -r p_imap p_imaps p_pop3 p_pop3s p_sub p_subs < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)

# Dovecot 2.4 (Debian 13) reads another configuration language than 2.3
# (Debian 12): renamed settings, named passdb/userdb blocks, %{user} for %u.
version=$(dovecot --version | cut -d' ' -f1)
case "$version" in
  2.[0-3].*) syntax=2.3 address_setting=address ;;
  *) syntax=2.4 address_setting=listen ;;
esac

listener() {  # name port ssl
  printf '  inet_listener %s {\n    %s = 127.0.0.1\n    port = %s\n    ssl = %s\n  }\n' \
    "$1" "$address_setting" "$2" "$3"
}

settings_2_3() {
  cat <<CONF
ssl_cert = <$work/certs/server.pem
ssl_key = <$work/certs/server-key.pem
disable_plaintext_auth = yes
passdb {
  driver = passwd-file
  args = $work/passwd
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$work/mail/%u
}
mail_location = maildir:$work/mail/%u
CONF
}

settings_2_4() {
  cat <<CONF
ssl_server_cert_file = $work/certs/server.pem
ssl_server_key_file = $work/certs/server-key.pem
auth_allow_cleartext = no
passdb passwd-file {
  passwd_file_path = $work/passwd
}
userdb static {
  fields {
    uid = $mail_uid
    gid = $mail_gid
    home = $work/mail/%{user}
  }
}
mail_driver = maildir
mail_path = $work/mail/%{user}
CONF
}

{
  # 2.4 wants these two first: the semantics the file was written for.
  [ "$syntax" = 2.3 ] || printf 'dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n'
  cat <<CONF
base_dir = $work/run
state_dir = $work/run
log_path = $work/dovecot.log
listen = 127.0.0.1
protocols = imap pop3 submission
ssl = yes
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = $login_user
default_internal_user = $internal_user
default_internal_group = $internal_user
first_valid_uid = 1
CONF
  if [ "$syntax" = 2.3 ]; then settings_2_3; else settings_2_4; fi
  cat <<CONF
# Login checks need no relay: submission accepts AUTH before it connects one.
submission_relay_host = 127.0.0.1
submission_relay_port = 9
service imap-login {
CONF
  listener imap "$p_imap" no
  listener imaps "$p_imaps" yes
  printf '}\nservice pop3-login {\n'
  listener pop3 "$p_pop3" no
  listener pop3s "$p_pop3s" yes
  printf '}\nservice submission-login {\n'
  listener submission "$p_sub" no
  listener submissions "$p_subs" yes
  printf '}\n'
} > "$work/dovecot.conf"

# One message waits in the INBOX.
inbox="$work/mail/$user"
mkdir -p "$inbox/new" "$inbox/cur" "$inbox/tmp"
printf 'From: apppass <test@apppass.invalid>\r\nTo: %s\r\nSubject: Welcome to apppass\r\n\r\nThis message waits in the test mailbox.\r\n' \
  "$user" > "$inbox/new/1.welcome"
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$work/mail"

dovecot -c "$work/dovecot.conf" </dev/null >/dev/null 2>&1

# Ready when every listener answers.
for port in "$p_imap" "$p_imaps" "$p_pop3" "$p_pop3s" "$p_sub" "$p_subs"; do
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
done
printf 'imap=%s\nimaps=%s\npop3=%s\npop3s=%s\nsubmission=%s\nsubmissions=%s\n' \
  "$p_imap" "$p_imaps" "$p_pop3" "$p_pop3s" "$p_sub" "$p_subs" > "$work/dovecot-ports"
