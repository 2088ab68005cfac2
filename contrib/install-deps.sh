#!/bin/sh
# Installs every Debian package hashmint's build, tests and fuzzing need, and
# the npm packages of the JavaScript tests (qa/js, from its lockfile).
# Idempotent: packages already present are left alone.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PKGS="build-essential autoconf automake pkg-config clang libclang-rt-14-dev
      libsecp256k1-dev libleveldb-dev libevent-dev libzmq3-dev libjansson-dev
      check libssl-dev libsqlite3-dev libsodium-dev python3 python3-zmq python3-bitcoinlib
      chromium python3-websocket python3-matplotlib"
# Node.js and npm (qa/js): Debian's unless a node is already installed.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq $missing
fi
# bitcoinjs-lib and its curve library, exactly as locked; npm ci again only
# when the lockfile is newer than what is installed.
js="$top/qa/js"
if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
  (cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
fi
