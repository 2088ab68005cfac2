#!/bin/sh
# The main job: build hashmint if needed, start a regtest node in a fresh
# temporary data directory, mine 101 blocks to the regtest genesis key's
# address, spend a matured coinbase with createrawtransaction +
# signrawtransactionwithkey + sendrawtransaction, mine it, print the chain
# state; then open a vault with generatetovault, mature it, update the
# oracle (2-of-3), mint 300 HUSD (issuer 3-of-5 and the owner), print
# getissuanceinfo, getvault, auditreserves and getreserves, fetch a reserve
# proof of the vault and verify it offline with hashmint-util against the
# chain's headers, and stop the node.
#
#   contrib/run-regtest.sh            # builds in ./build (or an in-place configured tree) if needed
#   HASHMINT_BUILDDIR=build-debug contrib/run-regtest.sh   # use that build directory
#   KEEP_DATADIR=1 contrib/run-regtest.sh   # keep the node's data directory
#   HASHMINT_NO_BUILD=1 ...                 # never run make (the tests use the build as it is)
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
if [ "${HASHMINT_NO_BUILD:-0}" = 1 ]; then
    :
elif [ ! -x "$BUILDDIR/hashmintd" ] || [ -f "$BUILDDIR/Makefile" ]; then
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

step "opening a vault with generatetovault"
# The vault's owner is the genesis key too. 100 % of the coinbase goes into one VAULT output (debt 0).
VBLOCK=$(rpc generatetovault 1 "$ADDRESS" | jget 0) || die "generatetovault failed"
VTX=$(rpc getblock "$VBLOCK" 2 | jget tx.0) || die "getblock $VBLOCK 2 failed"
VAULT_TXID=$(echo "$VTX" | jget txid)
VAULT_N=$(echo "$VTX" | python3 -c 'import json,sys
t = json.load(sys.stdin)
print([o["n"] for o in t["vout"] if o.get("token", {}).get("kind") == "vault"][0])') || die "no VAULT output in $VBLOCK"
VAULT=$VAULT_TXID:$VAULT_N
rpc getvault "$VAULT" || die "getvault $VAULT failed"
[ "$(rpc getvault "$VAULT" | jget mature)" = False ] || die "a fresh coinbase vault should not be mature"

step "maturing it (100 blocks)"
rpc generatetoaddress 100 "$ADDRESS" >/dev/null || die "generatetoaddress 100 failed"
[ "$(rpc getvault "$VAULT" | jget mature)" = True ] || die "the vault is not mature after 100 blocks"
echo "vault $VAULT is mature at height $(rpc getblockcount)"

# The asset's ISSUER (3-of-5) and ORACLE (2-of-3) multisigs and keys (doc/chain-params.md, "Keys: regtest").
ISSUER_WS=5321030232ff81e4445918e23691afaaff7fd3617b50c07ada560fa4d12e56f7df2cc82103a9e0281ecf5d969af093f0a6dcb4779ef1655965c219c8b39ee3d659e0e7b5242103e502c55671ee3d5ff3cb06b97fa2ae0797e552dd45db5585a7bda6f4813b6d782102124bf4d8a022e0ee8ba3bd25cd5e081c84aab4bc40da172cfb295fd32b6ea8e721039bdb45e7059da65c8ade8bd1c6b0a6817ab5b9d330280412ab4d468199f8b2c355ae
ORACLE_WS=522103693a4c32099c21f32b6c2a55134933098be7dbf67557c284fe5b8670db244f9221026766caf58c6b8195c749ef1404dec8900b7f9c8100b33e98f4dbf420d09ceaf32102c88eed639620f2fd05d095afa575f25aea1ea1738d14fd6515dd33f8388ec2db53ae
ISSUER_WIFS='"cTVF3mt5K7LxqBA7G37o9ePyUXkC8uRPd17zQghhFFDFXDsLthJT","cVygB192iEZzf9dgMc9qsb7RvWTPfgUFgPRggNjubC2ASVMsR4BL","cSNuk6h23EePRfewBf4RZi6GBpwaqggwM8GFPkCTRpKhhfU2QhSQ"'
ORACLE_WIFS='"cNyR7RXWFPJbaTFmTQek5dULHd9n8XjUfNjMqqAe4EruyPA3xTPG","cQQp6sdcX8f4fjQUuUvZ5tbZzTDCDEBZhBse2tV3Cs1kv1pMTZ71"'
ISSUER_ADDR=$(rpc decodescript "$ISSUER_WS" | jget segwit.address) || die "decodescript (issuer) failed"
ORACLE_ADDR=$(rpc decodescript "$ORACLE_WS" | jget segwit.address) || die "decodescript (oracle) failed"
# sub A B: A - B in HMC, 8 decimals.
sub() { python3 -c "from decimal import Decimal as D; print(D('$1') - D('$2'))"; }
# utxo_json TXID N [WITNESSSCRIPT]: the prevtxs entry signrawtransactionwithkey needs for an unspent output.
utxo_json() {
    U=$(rpc gettxout "$1" "$2") || return 1
    [ -n "$U" ] && [ "$U" != null ] || return 1
    WS=${3:+,\"witnessScript\":\"$3\"}
    printf '{"txid":"%s","vout":%s,"scriptPubKey":"%s","amount":%s%s}' "$1" "$2" \
        "$(echo "$U" | jget scriptPubKey.hex)" "$(echo "$U" | jget value)" "$WS"
}
sign_send() { # RAW KEYS PREVTXS -> txid
    S=$(rpc signrawtransactionwithkey "$1" "$2" "$3") || return 1
    [ "$(echo "$S" | jget complete)" = True ] || { echo "signing incomplete: $S" >&2; return 1; }
    rpc sendrawtransaction "$(echo "$S" | jget hex)"
}

step "oracle update: 100 HUSD per HMC, signed by 2 of the 3 oracle keys"
INFO=$(rpc getissuanceinfo) || die "getissuanceinfo failed"
ORACLE=$(echo "$INFO" | jget assets.0.oracle.outpoint)
O_TXID=${ORACLE%:*}; O_N=${ORACLE#*:}
O_PREV=$(utxo_json "$O_TXID" "$O_N" "$ORACLE_WS") || die "the ORACLE output $ORACLE is not unspent"
O_VALUE=$(echo "$O_PREV" | jget amount)
# Fees come from block 2's coinbase (mature; block 1's was spent above).
B2=$(rpc getblockhash 2) && FEE_TXID=$(rpc getblock "$B2" | jget tx.0) || die "block 2's coinbase"
F_PREV=$(utxo_json "$FEE_TXID" 0) || die "block 2's coinbase output is spent"
F_VALUE=$(echo "$F_PREV" | jget amount)
RAW=$(rpc createrawtransaction "[{\"txid\":\"$O_TXID\",\"vout\":$O_N},{\"txid\":\"$FEE_TXID\",\"vout\":0}]" \
    "[{\"$ORACLE_ADDR\":{\"kind\":\"oracle\",\"price\":10000000000,\"value\":$O_VALUE}},{\"$ADDRESS\":$(sub "$F_VALUE" 0.0002)}]") ||
    die "createrawtransaction (oracle update) failed"
ORACLE_TXID=$(sign_send "$RAW" "[$ORACLE_WIFS,\"$WIF\"]" "[$O_PREV,$F_PREV]") || die "the oracle update was refused"
rpc generatetoaddress 1 "$ADDRESS" >/dev/null || die "generatetoaddress failed"
echo "oracle update $ORACLE_TXID confirmed; price $(rpc getissuanceinfo | jget assets.0.price) base units per HMC"

step "minting 300 HUSD against the vault, signed by 3 of the 5 issuer keys and the owner"
ISSUER=$(rpc getissuanceinfo | jget assets.0.issuer.outpoint)
I_TXID=${ISSUER%:*}; I_N=${ISSUER#*:}
I_PREV=$(utxo_json "$I_TXID" "$I_N" "$ISSUER_WS") || die "the ISSUER output $ISSUER is not unspent"
I_VALUE=$(echo "$I_PREV" | jget amount)
V_PREV=$(utxo_json "$VAULT_TXID" "$VAULT_N") || die "the vault $VAULT is not unspent"
V_VALUE=$(echo "$V_PREV" | jget amount)
DEBT=30000000000
RAW=$(rpc createrawtransaction "[{\"txid\":\"$VAULT_TXID\",\"vout\":$VAULT_N},{\"txid\":\"$I_TXID\",\"vout\":$I_N}]" \
    "[{\"$ADDRESS\":{\"kind\":\"vault\",\"debt\":$DEBT,\"value\":$(sub "$V_VALUE" 0.0002)}},{\"$ISSUER_ADDR\":{\"kind\":\"issuer\",\"flags\":0,\"value\":$I_VALUE}},{\"$ADDRESS\":{\"kind\":\"token\",\"amount\":$DEBT}}]") ||
    die "createrawtransaction (mint) failed"
MINT_TXID=$(sign_send "$RAW" "[\"$WIF\",$ISSUER_WIFS]" "[$V_PREV,$I_PREV]") || die "the mint was refused"
rpc generatetoaddress 1 "$ADDRESS" >/dev/null || die "generatetoaddress failed"
VAULT=$MINT_TXID:0
echo "mint $MINT_TXID confirmed; the vault is now $VAULT"
rpc gettxout "$MINT_TXID" 2 | jget token || die "no TOKEN output"

step "getissuanceinfo"
INFO=$(rpc getissuanceinfo) || die "getissuanceinfo failed"
echo "$INFO"
[ "$(echo "$INFO" | jget assets.0.supply)" = $DEBT ] || die "supply is not $DEBT"

step "getvault $VAULT"
rpc getvault "$VAULT" || die "getvault failed"

step "auditreserves"
AUDIT=$(rpc auditreserves) || die "auditreserves failed"
echo "$AUDIT"
[ "$(echo "$AUDIT" | jget ok)" = True ] || die "the audit found mismatches"

step "getreserves (the tree the tip's HMRS output commits to)"
rpc getreserves || die "getreserves failed"

step "a reserve proof of $VAULT, verified offline"
PROOF=$(rpc getreserveproof "$VAULT") || die "getreserveproof failed"
echo "proof ($(($(printf %s "$PROOF" | wc -c) / 2)) bytes): $PROOF"
# The chain's headers, 80 bytes each from genesis, as hashmint-util --headers reads them.
HEADERS=$DATADIR/headers.bin
H=0
TIP=$(rpc getblockcount)
: >"$HEADERS"
while [ $H -le "$TIP" ]; do
    rpc getblockheader "$(rpc getblockhash $H)" false | python3 -c 'import sys
sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' >>"$HEADERS" || die "getblockheader $H"
    H=$((H + 1))
done
echo "hashmint-util verifyreserveproof --chain=regtest --headers=$HEADERS <proof>   (no node involved)"
OFFLINE=$("$BUILDDIR/hashmint-util" verifyreserveproof --chain=regtest --headers="$HEADERS" "$PROOF") ||
    die "hashmint-util verifyreserveproof refused the proof: $OFFLINE"
echo "$OFFLINE"
[ "$(echo "$OFFLINE" | jget valid)" = True ] || die "the proof is not valid offline"
[ "$(echo "$OFFLINE" | jget debt)" = $DEBT ] || die "the proof does not show the vault's debt"

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
