#!/bin/sh
# Installs every Debian package hashmint's build, tests and fuzzing need.
# Idempotent: packages already present are left alone.
set -e
PKGS="build-essential autoconf automake pkg-config clang libclang-rt-14-dev
      libsecp256k1-dev libleveldb-dev libevent-dev libzmq3-dev libjansson-dev
      check libssl-dev libsqlite3-dev libsodium-dev python3 python3-zmq python3-bitcoinlib
      chromium python3-websocket"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
