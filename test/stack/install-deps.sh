#!/usr/bin/env bash
# Installs Debian's nginx, php8.2-fpm, PowerDNS (gmysql), dig, Postfix and Dovecot (MySQL and
# SQLite lookups), OpenSSH's server, sshpass, openssl and Pebble (an ACME test CA) when missing, without starting
# their system services (the stack suite runs its own instances on loopback high ports).
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v php-fpm8.2 >/dev/null 2>&1 || need+=(php8.2-fpm)
command -v pdns_server >/dev/null 2>&1 || need+=(pdns-server)
[ -e /usr/lib/x86_64-linux-gnu/pdns/libgmysqlbackend.so ] || ls /usr/lib/*/pdns/libgmysqlbackend.so >/dev/null 2>&1 || need+=(pdns-backend-mysql)
command -v dig >/dev/null 2>&1 || need+=(bind9-dnsutils)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
command -v postfix >/dev/null 2>&1 || need+=(postfix)
postconf -m 2>/dev/null | grep -qx mysql || need+=(postfix-mysql)
postconf -m 2>/dev/null | grep -qx sqlite || need+=(postfix-sqlite)
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
ls /usr/lib/dovecot/modules/auth/libdriver_mysql.so /usr/lib/dovecot/modules/libdriver_mysql.so >/dev/null 2>&1 || dpkg -s dovecot-mysql >/dev/null 2>&1 || need+=(dovecot-mysql)
dpkg -s dovecot-sqlite >/dev/null 2>&1 || need+=(dovecot-sqlite)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v sftp >/dev/null 2>&1 || need+=(openssh-client)
command -v sshpass >/dev/null 2>&1 || need+=(sshpass)
command -v pebble >/dev/null 2>&1 || need+=(pebble)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing: ${need[*]}"
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
fi
trap '[ $made_policy = 1 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
