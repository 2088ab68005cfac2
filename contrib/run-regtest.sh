#!/bin/sh
# The main job: build hashmint if needed, start a regtest node in a fresh
# temporary data directory, mine 101 blocks to the regtest genesis key's
# address, spend a matured coinbase with createrawtransaction +
# signrawtransactionwithkey + sendrawtransaction, mine it, print the chain
# state and the transaction's confirmations, and stop the node.
#
#   contrib/run-regtest.sh            # builds in ./build (or an in-place configured tree) if needed
#   HASHMINT_BUILDDIR=build-debug contrib/run-regtest.sh   # use that build directory
#   KEEP_DATADIR=1 contrib/run-regtest.sh   # keep the node's data directory
#
# Every step checks its result; on any failure the script prints what failed
# and the tail of the node's debug.log, and exits non-zero.
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
# Build directory: $HASHMINT_BUILDDIR, else the source tree if it was
# configured in place (./configure && make), else $SRCDIR/build (out of tree).
if [ -n "${HASHMINT_BUILDDIR:-}" ]; then
    BUILDDIR=$HASHMINT_BUILDDIR
elif [ -f "$SRCDIR/Makefile" ]; then
    BUILDDIR=$SRCDIR
else
    BUILDDIR=$SRCDIR/build
fi
case $BUILDDIR in /*) ;; *) BUILDDIR=$(pwd)/$BUILDDIR ;; esac

# The regtest well-known key (doc/chain-params.md, "Keys: regtest"):
# secret SHA256("hashmint regtest genesis key") =
# 622c7b4482ff8c9a55de2463d49119e99f29b72d9fefaeed70c464bf850b2cba, compressed
# public key 022418c6...9d6f, P2WPKH script 001448daff6ff9b2117a72fb17563bd79b952c90ac16.
ADDRESS=hmrt1qfrd07mlekggh5uhmzatrh4umj5kfptqkst4xtq
SPK=001448daff6ff9b2117a72fb17563bd79b952c90ac16
WIF=cQsYC5e1W8RVhYmuoUSuwdtjuGBmpsSXVR6K5KVCqXJdPmtkbHf3

step() { printf '\n== %s\n' "$*"; }
die() {
    printf '\nrun-regtest: FAILED: %s\n' "$*" >&2
    if [ -n "${DATADIR:-}" ] && [ -f "$DATADIR/regtest/debug.log" ]; then
        printf -- '---- last lines of %s\n' "$DATADIR/regtest/debug.log" >&2
        tail -n 25 "$DATADIR/regtest/debug.log" >&2
    fi
    exit 1
}

# ---- build if needed -----------------------------------------------------------
if [ ! -x "$BUILDDIR/hashmintd" ] || [ -f "$BUILDDIR/Makefile" ]; then
    step "building hashmintd in $BUILDDIR"
    if [ ! -f "$BUILDDIR/Makefile" ]; then
        if [ ! -x "$SRCDIR/configure" ]; then
            (cd "$SRCDIR" && ./autogen.sh) || die "./autogen.sh failed (run contrib/install-deps.sh?)"
        fi
        mkdir -p "$BUILDDIR"
        (cd "$BUILDDIR" && "$SRCDIR/configure" --quiet) || die "configure failed (run contrib/install-deps.sh?)"
    fi
    make -C "$BUILDDIR" -j2 hashmintd hashmint-cli >/dev/null || die "make hashmintd hashmint-cli failed"
fi
HASHMINTD=$BUILDDIR/hashmintd
[ -x "$HASHMINTD" ] || die "no hashmintd at $HASHMINTD"
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the RPC helper"

# ---- a node in a temporary data directory ------------------------------------------
DATADIR=$(mktemp -d "${TMPDIR:-/tmp}/hashmint-regtest.XXXXXX")
NODE_PID=
cleanup() {
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
        kill -TERM "$NODE_PID" 2>/dev/null || true
        wait "$NODE_PID" 2>/dev/null || true
    fi
    if [ "${KEEP_DATADIR:-0}" = 1 ]; then
        echo "data directory kept: $DATADIR"
    else
        rm -rf "$DATADIR"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
RPCPORT=$(free_port)
P2PPORT=$(free_port)

# RPC goes through hashmint-cli; without it, through this helper: bitcoin-cli-like arguments (JSON if they parse, strings
# otherwise), cookie authentication, prints the result (strings bare).
RPC_HELPER=$DATADIR/rpc.py
cat >"$RPC_HELPER" <<'EOF'
import base64, json, sys, urllib.request, urllib.error
port, cookie, method, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
params = []
for a in args:
    try:
        params.append(json.loads(a))
    except ValueError:
        params.append(a)
with open(cookie) as f:
    auth = base64.b64encode(f.read().strip().encode()).decode()
req = urllib.request.Request(f"http://127.0.0.1:{port}/",
                             json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": params}).encode(),
                             {"Authorization": "Basic " + auth, "Content-Type": "application/json"})
try:
    body = urllib.request.urlopen(req, timeout=600).read()
except urllib.error.HTTPError as e:
    body = e.read()
    if not body:
        print(f"error: HTTP {e.code}", file=sys.stderr)
        sys.exit(1)
reply = json.loads(body)
if reply.get("error"):
    print(f"error code: {reply['error'].get('code')}\nerror message:\n{reply['error'].get('message')}", file=sys.stderr)
    sys.exit(1)
r = reply.get("result")
print(r if isinstance(r, str) else json.dumps(r, indent=2))
EOF
CLI=$BUILDDIR/hashmint-cli
if [ -x "$CLI" ]; then
    rpc() { "$CLI" -regtest -datadir="$DATADIR" -rpcport="$RPCPORT" "$@"; }
else
    rpc() { python3 "$RPC_HELPER" "$RPCPORT" "$DATADIR/regtest/.cookie" "$@"; }
fi
# jget FIELD: reads JSON on stdin, prints one field (dotted path, list indexes allowed).
jget() {
    python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$1"
}

step "starting hashmintd -regtest (datadir $DATADIR, RPC port $RPCPORT)"
"$HASHMINTD" -regtest -datadir="$DATADIR" -rpcport="$RPCPORT" -port="$P2PPORT" -listen=0 -connect=0 \
    -printtoconsole=0 -txindex >"$DATADIR/stdout.txt" 2>"$DATADIR/stderr.txt" &
NODE_PID=$!
i=0
until [ -f "$DATADIR/regtest/.cookie" ] && rpc getblockcount >/dev/null 2>&1; do
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$DATADIR/stderr.txt" >&2; die "hashmintd exited during start-up"; }
    i=$((i + 1))
    [ $i -lt 600 ] || die "hashmintd did not answer RPC within 60 s"
    sleep 0.1
done
echo "node up: $(rpc getblockcount) blocks, pid $NODE_PID (RPC through $([ -x "$CLI" ] && echo hashmint-cli || echo the python helper))"

step "the regtest genesis key's address"
INFO=$(rpc validateaddress "$ADDRESS") || die "validateaddress failed"
[ "$(echo "$INFO" | jget isvalid)" = True ] || die "$ADDRESS is not valid on regtest: $INFO"
[ "$(echo "$INFO" | jget scriptPubKey)" = "$SPK" ] || die "$ADDRESS does not pay $SPK: $INFO"
echo "$ADDRESS (P2WPKH of the well-known key, scriptPubKey $SPK)"

step "mining 101 blocks to $ADDRESS"
rpc generatetoaddress 101 "$ADDRESS" >/dev/null || die "generatetoaddress 101 failed"
HEIGHT=$(rpc getblockcount) || die "getblockcount failed"
[ "$HEIGHT" = 101 ] || die "height is $HEIGHT after mining 101 blocks"
echo "height $HEIGHT, tip $(rpc getbestblockhash)"

step "spending block 1's coinbase (mature at height 101)"
B1=$(rpc getblockhash 1) || die "getblockhash 1 failed"
CB=$(rpc getblock "$B1" | jget tx.0) || die "getblock $B1 failed"
UTXO=$(rpc gettxout "$CB" 0) || die "gettxout $CB 0 failed"
[ -n "$UTXO" ] && [ "$UTXO" != null ] || die "coinbase output $CB:0 is not unspent"
VALUE=$(echo "$UTXO" | jget value)
SEND=$(python3 -c "from decimal import Decimal as D; print(D('$VALUE') - D('0.0001'))")
echo "coinbase $CB:0 holds $VALUE HMC; sending $SEND HMC (fee 0.0001) back to $ADDRESS"
RAW=$(rpc createrawtransaction "[{\"txid\":\"$CB\",\"vout\":0}]" "[{\"$ADDRESS\":$SEND}]") ||
    die "createrawtransaction failed"
SIGNED=$(rpc signrawtransactionwithkey "$RAW" "[\"$WIF\"]" \
    "[{\"txid\":\"$CB\",\"vout\":0,\"scriptPubKey\":\"$SPK\",\"amount\":$VALUE}]") ||
    die "signrawtransactionwithkey failed"
[ "$(echo "$SIGNED" | jget complete)" = True ] || die "signing incomplete: $SIGNED"
HEX=$(echo "$SIGNED" | jget hex)
TXID=$(rpc sendrawtransaction "$HEX") || die "sendrawtransaction failed"
echo "sent $TXID"
MEMPOOL=$(rpc getrawmempool) || die "getrawmempool failed"
echo "$MEMPOOL" | grep -q "$TXID" || die "$TXID is not in the mempool: $MEMPOOL"
echo "in the mempool: $(echo "$MEMPOOL" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') transaction(s)"

step "mining it"
BLOCK=$(rpc generatetoaddress 1 "$ADDRESS" | jget 0) || die "generatetoaddress 1 failed"
rpc getblock "$BLOCK" | jget tx | grep -q "$TXID" || die "block $BLOCK does not contain $TXID"
echo "block $BLOCK contains $TXID"

step "getblockchaininfo"
rpc getblockchaininfo || die "getblockchaininfo failed"

step "the transaction"
CONF=$(rpc gettxout "$TXID" 0 | jget confirmations) || die "gettxout $TXID 0 failed"
echo "txid $TXID: $CONF confirmation(s)"
[ "$CONF" = 1 ] || die "expected 1 confirmation, got $CONF"
if TX=$(rpc getrawtransaction "$TXID" true 2>/dev/null); then
    echo "getrawtransaction: confirmations $(echo "$TX" | jget confirmations), blockhash $(echo "$TX" | jget blockhash)"
fi

step "vaults and minting"
echo "Not yet: opening a vault and minting HUSD arrive with the issuance issue (doc/issuance.md)."

step "stopping the node"
rpc stop || die "stop failed"
i=0
while kill -0 "$NODE_PID" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 600 ] || die "hashmintd did not exit within 60 s"
    sleep 0.1
done
wait "$NODE_PID" || die "hashmintd exited with status $?"
NODE_PID=
echo "hashmintd stopped cleanly"
