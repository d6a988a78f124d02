#!/usr/bin/env bash
# Starts each local service the integration tests use when it is not already up, and installs
# the Debian packages the tests drive (promtool, chromium) when they are missing. Idempotent.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 1; done
  echo "services: $name did not come up on port $port" >&2
  return 1
}

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  wait_port 5432 postgresql || true
fi
if ! port_open 6379 && command -v redis-server >/dev/null; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_port 6379 redis || true
fi
if ! port_open 5672 && command -v rabbitmq-server >/dev/null; then
  rabbitmq-server -detached || true
  wait_port 5672 rabbitmq || true
fi
if ! port_open 4222 && [ -x /usr/sbin/nats-server ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  wait_port 4222 nats || true
fi

need_pkgs=()
command -v promtool >/dev/null || need_pkgs+=(prometheus)
command -v chromium >/dev/null || need_pkgs+=(chromium)
if [ ${#need_pkgs[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  echo "services: installing ${need_pkgs[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null) ||
    echo "services: could not install ${need_pkgs[*]}" >&2
  # Debian's prometheus package starts a server on :9090 when it is installed; the tests start
  # their own. Stop that one server only if this install just started it: through systemd where
  # systemd runs, else by the PID file its init script wrote (start-stop-daemon checks that the
  # PID is /usr/bin/prometheus). Never by name: a Prometheus the user runs is left alone.
  if [[ " ${need_pkgs[*]} " == *" prometheus "* ]]; then
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
      systemctl stop prometheus 2>/dev/null || true
    elif [ -f /run/prometheus/prometheus.pid ]; then
      start-stop-daemon --stop --quiet --oknodo --retry 5 --pidfile /run/prometheus/prometheus.pid \
        --exec /usr/bin/prometheus --remove-pidfile || true
    fi
  fi
fi
exit 0
