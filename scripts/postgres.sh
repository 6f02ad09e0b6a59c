#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests.
#   scripts/postgres.sh start DIR   install (Debian packages) if needed, start a cluster in DIR,
#                                   print its URL
#   scripts/postgres.sh stop DIR    stop it
set -euo pipefail
action=${1:?start or stop}
dir=${2:?data directory}
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
case "$action" in
  start)
    PGBIN=$(find_bin)
    if [ -z "$PGBIN" ]; then
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2
      PGBIN=$(find_bin)
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$dir"
    chown postgres: "$dir"
    su postgres -c "$PGBIN/initdb -D $dir/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log"
    su postgres -c "$PGBIN/pg_ctl -D $dir/data -l $dir/server.log -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -w start" >&2
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    PGBIN=$(find_bin)
    su postgres -c "$PGBIN/pg_ctl -D $dir/data -m fast stop" >&2 || true
    ;;
esac
