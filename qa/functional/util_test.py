#!/usr/bin/env python3
"""Functional test of hashmint-util (doc/hashmint-util.md).

Runs the built program on real Bitcoin data and Bitcoin Core's vectors:
decodetx of block 170's spend, decodeblock and checkblock of a real block
(and corrupted copies), verifytx over tx_valid.json plus chosen invalid
requests, and the command-line error paths. Standard library only.
Environment: HASHMINT_BUILDDIR (default: the current directory, where the
runner starts us), HASHMINT_SRCDIR (default: two levels above this file).
Exits non-zero on any failure.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import base58check, push, ser_compact  # noqa: E402

BUILDDIR = os.environ.get("HASHMINT_BUILDDIR", os.getcwd())
SRCDIR = os.environ.get("HASHMINT_SRCDIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
UTIL = os.path.join(BUILDDIR, "hashmint-util")

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL: " + what, flush=True)


def run(args, stdin=None):
    p = subprocess.run([UTIL] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def data_file(*parts):
    """A file under qa/data, or (tests only) the shared vector directory."""
    local = os.path.join(SRCDIR, "qa", "data", *parts)
    if os.path.exists(local):
        return local
    shared = os.path.join("/work/shared/vectors", *parts)
    if os.path.exists(shared):
        print(f"note: {local} missing, using {shared}")
        return shared
    raise FileNotFoundError(local)


# ---- serialisation helpers ---------------------------------------------------

def read_compact(b, i):
    c = b[i]
    if c < 253:
        return c, i + 1
    if c == 253:
        return struct.unpack_from("<H", b, i + 1)[0], i + 3
    if c == 254:
        return struct.unpack_from("<I", b, i + 1)[0], i + 5
    return struct.unpack_from("<Q", b, i + 1)[0], i + 9


def tx_prevouts(raw):
    """The (display txid, n) of each input of a serialised transaction."""
    i = 4
    if raw[i] == 0 and raw[i + 1] != 0:  # BIP 144 marker and flag
        i += 2
    n, i = read_compact(raw, i)
    outs = []
    for _ in range(n):
        txid = raw[i:i + 32][::-1].hex()
        vout = struct.unpack_from("<I", raw, i + 32)[0]
        slen, i = read_compact(raw, i + 36)
        i += slen + 4
        outs.append((txid, vout))
    return outs


def txout(value, script):
    return struct.pack("<q", value) + ser_compact(len(script)) + script


def make_tx(inputs, outputs, version=1, locktime=0):
    """inputs: (txid display hex, n, scriptSig); outputs: (value, script)."""
    b = struct.pack("<i", version) + ser_compact(len(inputs))
    for txid, n, sig in inputs:
        b += bytes.fromhex(txid)[::-1] + struct.pack("<I", n) + ser_compact(len(sig)) + sig + b"\xff\xff\xff\xff"
    b += ser_compact(len(outputs))
    for value, script in outputs:
        b += txout(value, script)
    return b + struct.pack("<I", locktime)


# Bitcoin Core's ParseScript (core_read.cpp), for the vector files.
OPCODES = {"RESERVED": 0x50}
_names = ("NOP VER IF NOTIF VERIF VERNOTIF ELSE ENDIF VERIFY RETURN TOALTSTACK FROMALTSTACK 2DROP 2DUP 3DUP "
          "2OVER 2ROT 2SWAP IFDUP DEPTH DROP DUP NIP OVER PICK ROLL ROT SWAP TUCK CAT SUBSTR LEFT RIGHT SIZE "
          "INVERT AND OR XOR EQUAL EQUALVERIFY RESERVED1 RESERVED2 1ADD 1SUB 2MUL 2DIV NEGATE ABS NOT 0NOTEQUAL "
          "ADD SUB MUL DIV MOD LSHIFT RSHIFT BOOLAND BOOLOR NUMEQUAL NUMEQUALVERIFY NUMNOTEQUAL LESSTHAN "
          "GREATERTHAN LESSTHANOREQUAL GREATERTHANOREQUAL MIN MAX WITHIN RIPEMD160 SHA1 SHA256 HASH160 HASH256 "
          "CODESEPARATOR CHECKSIG CHECKSIGVERIFY CHECKMULTISIG CHECKMULTISIGVERIFY NOP1 CHECKLOCKTIMEVERIFY "
          "CHECKSEQUENCEVERIFY NOP4 NOP5 NOP6 NOP7 NOP8 NOP9 NOP10 CHECKSIGADD").split()
for _k, _name in enumerate(_names):
    OPCODES[_name] = 0x61 + _k
OPCODES["NOP2"], OPCODES["NOP3"] = 0xb1, 0xb2


def script_num(n):
    if n == 0:
        return b""
    neg, a, out = n < 0, abs(n), bytearray()
    while a:
        out.append(a & 0xff)
        a >>= 8
    if out[-1] & 0x80:
        out.append(0x80 if neg else 0)
    elif neg:
        out[-1] |= 0x80
    return bytes(out)


def parse_script(s):
    out = b""
    for w in s.split():
        if re.fullmatch(r"-?\d+", w):
            n = int(w)
            if n == 0:
                out += b"\x00"
            elif n == -1 or 1 <= n <= 16:
                out += bytes([0x4f if n == -1 else 0x50 + n])
            else:
                out += push(script_num(n))
        elif w.startswith("0x") and len(w) > 2:
            out += bytes.fromhex(w[2:])
        elif len(w) >= 2 and w[0] == "'" and w[-1] == "'":
            out += push(w[1:-1].encode())
        else:
            name = w[3:] if w.startswith("OP_") else w
            if name not in OPCODES:
                raise ValueError("unknown opcode " + w)
            out += bytes([OPCODES[name]])
    return out


ALL_FLAGS = ["P2SH", "STRICTENC", "DERSIG", "LOW_S", "SIGPUSHONLY", "MINIMALDATA", "NULLDUMMY",
             "DISCOURAGE_UPGRADABLE_NOPS", "CLEANSTACK", "MINIMALIF", "NULLFAIL", "CHECKLOCKTIMEVERIFY",
             "CHECKSEQUENCEVERIFY", "WITNESS", "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", "WITNESS_PUBKEYTYPE",
             "CONST_SCRIPTCODE", "TAPROOT", "DISCOURAGE_UPGRADABLE_PUBKEYTYPE", "DISCOURAGE_OP_SUCCESS",
             "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION"]

# ---- the tests -----------------------------------------------------------------

def block170_spend_hex():
    src = open(os.path.join(SRCDIR, "qa/unit/consensus/tx_tests.c")).read()
    m = re.search(r"BLOCK170_SPEND\s*=\s*((?:\s*\"[0-9a-f]*\")+)\s*;", src)
    return "".join(re.findall(r"\"([0-9a-f]*)\"", m.group(1)))


def test_command_line():
    rc, out, _ = run(["--help"])
    check(rc == 0 and "decodetx" in out and "verifytx" in out, "--help lists the commands")
    rc, out, _ = run(["-h"])
    check(rc == 0 and "checkblock" in out, "-h")
    rc, out, _ = run(["--version"])
    check(rc == 0 and out.startswith("hashmint-util "), "--version")
    check(run([])[0] == 2, "no command: exit 2")
    rc, _, err = run(["frobnicate"])
    check(rc == 2 and "unknown command" in err, "unknown command: exit 2")
    check(run(["decodetx"])[0] == 2, "decodetx without argument: exit 2")
    check(run(["decodetx", "00", "00"])[0] == 2, "decodetx with two arguments: exit 2")
    check(run(["decodetx", "--frob", "00"])[0] == 2, "unknown option: exit 2")
    check(run(["decodetx", "--chain=nosuch", "00"])[0] == 2, "unknown chain: exit 2")
    check(run(["verifytx", "extra"])[0] == 2, "verifytx with an argument: exit 2")
    rc, out, _ = run(["decodetx", "--help"])
    check(rc == 0 and "decodetx" in out, "command --help")


def test_decodetx():
    hexstr = block170_spend_hex()
    rc, out, err = run(["decodetx", hexstr])
    check(rc == 0, f"decodetx block 170 spend exits 0 ({err.strip()})")
    if rc != 0:
        return
    j = json.loads(out)
    check(list(j.keys()) == ["txid", "hash", "version", "size", "vsize", "weight", "locktime", "vin", "vout"],
          "decodetx field order: " + ",".join(j.keys()))
    check(j["txid"] == "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16", "txid")
    check(j["hash"] == j["txid"], "hash of a legacy tx is its txid")
    check(j["version"] == 1 and j["locktime"] == 0, "version, locktime")
    check(j["size"] == 275 and j["vsize"] == 275 and j["weight"] == 1100, "size/vsize/weight")
    vin = j["vin"][0]
    check(vin["txid"] == "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9" and vin["vout"] == 0,
          "vin prevout")
    check(vin["scriptSig"]["asm"] == "304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd41"
          "0220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d09[ALL]", "scriptSig asm")
    check(vin["scriptSig"]["hex"].startswith("47304402204e45"), "scriptSig hex")
    check(vin["sequence"] == 4294967295 and "txinwitness" not in vin, "sequence, no witness")
    v0, v1 = j["vout"]
    check(v0["value"] == 10 and v1["value"] == 40 and v0["n"] == 0 and v1["n"] == 1, "values and n")
    check('"value": 10.00000000,' in out and '"value": 40.00000000,' in out, "amounts printed with 8 decimals")
    spk = v0["scriptPubKey"]
    check(list(spk.keys()) == ["asm", "hex", "type"], "P2PK scriptPubKey fields (no address)")
    check(spk["type"] == "pubkey" and spk["asm"].endswith(" OP_CHECKSIG") and spk["asm"].startswith("04ae1a62fe09"),
          "P2PK asm and type")
    check(out.startswith('{\n  "txid": "f4184fc5'), "pretty printed with 2 spaces")

    for bad in ["00", "zz", "0100000001", hexstr + "00", ""]:
        rc, out, err = run(["decodetx", bad])
        check(rc == 1 and "TX decode failed" in err and out == "", f"decodetx {bad[:12]!r}: exit 1")


def test_decodetx_styles():
    """Witness, addresses per chain, and the token prefix."""
    src = open(os.path.join(SRCDIR, "qa/unit/consensus/tx_tests.c")).read()
    m = re.search(r"SEGWIT_TX\s*=\s*((?:\s*\"[0-9a-f]*\")+)\s*;", src)
    seg = "".join(re.findall(r"\"([0-9a-f]*)\"", m.group(1)))
    rc, out, _ = run(["decodetx", "--chain=bitcoin", seg])
    check(rc == 0, "decodetx segwit tx")
    if rc == 0:
        j = json.loads(out)
        check(j["hash"] != j["txid"] and j["size"] > j["vsize"], "witness tx: wtxid and vsize")
        check(len(j["vin"][0]["txinwitness"]) == 2, "txinwitness")
        spk = j["vout"][0]["scriptPubKey"]
        h = bytes.fromhex(spk["hex"])[3:23]
        check(spk["type"] == "pubkeyhash" and spk.get("address") == base58check(b"\x00" + h),
              "P2PKH address on the bitcoin chain")
        check(list(spk.keys()) == ["asm", "hex", "address", "type"], "scriptPubKey field order")
        check(spk["asm"] == f"OP_DUP OP_HASH160 {h.hex()} OP_EQUALVERIFY OP_CHECKSIG", "P2PKH asm")
    rc, out, _ = run(["decodetx", seg])
    if rc == 0:
        addr = json.loads(out)["vout"][0]["scriptPubKey"].get("address", "")
        check(addr and not addr.startswith("1"), "main chain uses its own P2PKH prefix: " + addr)

    # An output carrying a TOKEN prefix in front of a P2WPKH script.
    asset = bytes(range(0xa0, 0xc0))
    lock = b"\x00\x14" + bytes(range(20))
    prefixed = b"\xef\x01" + asset + b"\xfd\xe8\x03" + lock
    vault = b"\xef\x02" + asset + b"\x00" + lock
    oracle = b"\xef\x04" + asset + struct.pack("<Q", 123456789) + lock
    tx = make_tx([("11" * 32, 0, b"\x51")], [(0, prefixed), (50 * 10**8, vault), (0, oracle), (1, b"\xef\x01")])
    rc, out, _ = run(["decodetx", "--chain=regtest", tx.hex()])
    check(rc == 0, "decodetx with token outputs")
    if rc == 0:
        vout = json.loads(out)["vout"]
        t = vout[0]["token"]
        check(t == {"kind": "token", "asset_id": asset[::-1].hex(), "amount": 1000}, f"token object {t}")
        check(vout[0]["scriptPubKey"]["type"] == "witness_v0_keyhash", "type of the locking script")
        check(vout[0]["scriptPubKey"]["hex"] == prefixed.hex(), "hex is the whole scriptPubKey")
        check(vout[0]["scriptPubKey"]["asm"] == "0 " + bytes(range(20)).hex(), "asm of the locking script")
        check(vout[0]["scriptPubKey"].get("address", "").startswith("hmrt1q"), "regtest P2WPKH address")
        check(vout[1]["token"] == {"kind": "vault", "asset_id": asset[::-1].hex(), "debt": 0}, "vault object")
        check(vout[1]["value"] == 50, "vault collateral value")
        check(vout[2]["token"]["price"] == 123456789 and vout[2]["token"]["kind"] == "oracle", "oracle object")
        check("token" not in vout[3] and vout[3]["scriptPubKey"]["type"] == "nonstandard",
              "malformed prefix shown as a nonstandard script")
    rc, out, _ = run(["decodetx", "--chain=bitcoin", tx.hex()])
    if rc == 0:
        vout = json.loads(out)["vout"]
        check("token" not in vout[0] and vout[0]["scriptPubKey"]["type"] == "nonstandard",
              "no token interpretation on the bitcoin chain")


def load_blocks():
    d = open(data_file("bitcoin-mainnet", "blocks-1-255.dat"), "rb").read()
    blocks, i = [], 0
    while i + 8 <= len(d):
        n = struct.unpack_from("<I", d, i + 4)[0]
        blocks.append(d[i + 8:i + 8 + n])
        i += 8 + n
    return blocks


def test_blocks(tmp):
    blocks = load_blocks()
    check(len(blocks) == 255, f"255 blocks in the data file ({len(blocks)})")
    b170 = blocks[169]
    path = os.path.join(tmp, "block170.bin")
    open(path, "wb").write(b170)
    hexpath = os.path.join(tmp, "block170.hex")
    open(hexpath, "w").write(b170.hex() + "\n")

    rc, out, err = run(["decodeblock", "--chain=bitcoin", path])
    check(rc == 0, f"decodeblock exits 0 ({err.strip()})")
    if rc == 0:
        j = json.loads(out)
        check(j["hash"] == "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee", "block hash")
        check(j["previousblockhash"] == "000000002a22cfee1f2c846adbd12b3e183d4f97683f85dad08a79780a84bd55",
              "previousblockhash")
        check(j["merkleroot"] == "7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff", "merkleroot")
        check(j["nTx"] == 2 and len(j["tx"]) == 2, "nTx")
        check(j["tx"][1]["txid"] == "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16",
              "second tx is the first spend")
        check("coinbase" in j["tx"][0]["vin"][0] and "hex" in j["tx"][0], "coinbase input and tx hex")
        check(j["version"] == 1 and j["versionHex"] == "00000001" and j["bits"] == "1d00ffff", "version, bits")
        check(j["time"] == 1231731025 and j["nonce"] == 1889418792, "time, nonce")
        check(j["difficulty"] == 1, "difficulty")
        check("height" not in j, "no BIP 34 height in a version 1 block")
        check(j["size"] == 490 and j["strippedsize"] == 490 and j["weight"] == 1960, "sizes")
        check(list(j.keys())[:3] == ["hash", "version", "versionHex"], "getblock field order")
    for arg in (hexpath, b170.hex()):
        rc, out2, _ = run(["decodeblock", "--chain=bitcoin", arg])
        check(rc == 0 and out2 == out, "decodeblock of hex text gives the same JSON")
    rc, _, err = run(["decodeblock", os.path.join(tmp, "missing.bin")])
    check(rc == 1, "decodeblock of a missing file: exit 1")
    rc, _, err = run(["decodeblock", "00" * 40])
    check(rc == 1 and "decode failed" in err, "decodeblock of garbage: exit 1")

    # checkblock: the real blocks are valid under the bitcoin profile.
    for n in (1, 170, 255):
        p = os.path.join(tmp, f"b{n}.bin")
        open(p, "wb").write(blocks[n - 1])
        rc, out, err = run(["checkblock", "--chain=bitcoin", p])
        check(rc == 0 and out.strip() == "valid", f"checkblock block {n}: {out.strip()} {err.strip()}")
    # A changed transaction breaks the Merkle root (the header, and its proof
    # of work, are untouched).
    bad = bytearray(b170)
    idx = b170.index(bytes.fromhex("00ca9a3b00000000"))  # the 10 BTC output of the spend
    bad[idx + 1] ^= 1
    p = os.path.join(tmp, "bad-merkle.bin")
    open(p, "wb").write(bad)
    rc, out, _ = run(["checkblock", "--chain=bitcoin", p])
    check(rc == 1 and out.strip() == "bad-txnmrklroot", f"corrupted tx: {out.strip()}")
    # A changed nonce breaks the proof of work.
    bad = bytearray(b170)
    bad[76] ^= 0xff
    rc, out, _ = run(["checkblock", "--chain=bitcoin", bad.hex()])
    check(rc == 1 and out.strip() == "high-hash", f"corrupted nonce: {out.strip()}")
    # Neither a file nor hex.
    rc, out, _ = run(["checkblock", "--chain=bitcoin", "--", "zz"])
    check(rc == 1, "checkblock of non-hex: exit 1")
    return blocks


def verify_lines_from_vectors():
    tests = json.load(open(data_file("bitcoin-core", "tx_valid.json")))
    lines = []
    for t in tests:
        if not isinstance(t[0], list):
            continue
        prev = {}
        for p in t[0]:
            prev[(p[0], p[1] & 0xffffffff)] = (parse_script(p[2]), p[3] if len(p) > 3 else 0)
        raw = bytes.fromhex(t[1])
        excluded = set(f for f in t[2].split(",") if f and f != "NONE")
        flags = ",".join(f for f in ALL_FLAGS if f not in excluded)
        outs = tx_prevouts(raw)
        prevouts = [txout(prev[o][1], prev[o][0]).hex() for o in outs]
        for i in range(len(outs)):
            lines.append(json.dumps({"tx": t[1], "prevouts": prevouts, "index": i, "flags": flags}))
    return lines


def test_verifytx():
    lines = verify_lines_from_vectors()
    check(len(lines) >= 150, f"{len(lines)} verifytx requests from tx_valid.json")
    rc, out, err = run(["verifytx"], ("\n".join(lines) + "\n").encode())
    answers = out.splitlines()
    check(len(answers) == len(lines), f"one answer per request ({len(answers)}/{len(lines)})")
    bad = [(lines[k][:100], a) for k, a in enumerate(answers) if json.loads(a) != {"ok": True}]
    for line, a in bad[:10]:
        print(f"  not ok: {a} for {line}...")
    check(not bad and rc == 0, f"every tx_valid.json input verifies ({len(bad)} did not, exit {rc})")

    # Chosen failures. The block 170 spend's input spends block 9's coinbase,
    # whose script equals the spend's second output.
    spend = bytes.fromhex(block170_spend_hex())
    satoshi_spk = bytes.fromhex("410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84"
                                "ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3ac")
    other_spk = bytes.fromhex("4104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f5"
                              "54a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac")
    good_prev = [txout(50 * 10**8, satoshi_spk).hex()]
    wrong_prev = [txout(50 * 10**8, other_spk).hex()]
    dup = make_tx([("11" * 32, 0, b""), ("11" * 32, 0, b"")], [(1, b"\x51")])
    tx64 = make_tx([("22" * 32, 3, b"")], [(1000, b"\x51\x51\x51\x51")])
    check(len(tx64) == 64, "the 64-byte transaction is 64 bytes")
    asset = bytes(range(32))
    token_out = make_tx([("33" * 32, 0, b"")], [(0, b"\xef\x01" + asset + b"\x05\x51")])
    malformed_out = make_tx([("33" * 32, 0, b"")], [(0, b"\xef\x01\x00")])
    spend_token = make_tx([("44" * 32, 0, b"")], [(0, b"\x51")])
    token_prev = [txout(0, b"\xef\x01" + asset + b"\x05\x51").hex()]
    bad_prefix_prev = [txout(0, b"\xef\x09\x51").hex()]

    def req(tx, prev, index=0, flags="P2SH", **kw):
        d = {"tx": tx.hex() if isinstance(tx, bytes) else tx, "prevouts": prev, "index": index, "flags": flags}
        d.update(kw)
        return json.dumps(d)

    cases = [
        (req(spend, good_prev, flags="P2SH,DERSIG"), None),
        (req(spend, wrong_prev, flags="P2SH,DERSIG"), "EVAL_FALSE"),
        (req(spend, wrong_prev, flags="P2SH,DERSIG,NULLFAIL"), "NULLFAIL"),
        (req(spend, good_prev, flags="P2SH,DERSIG", chain="bitcoin"), None),
        (req(dup, [txout(1, b"\x51").hex()] * 2), "bad-txns-inputs-duplicate"),
        (req(tx64, [txout(2000, b"\x51").hex()]), None),
        (req(tx64, [txout(2000, b"\x51").hex()], chain="main"), "bad-txns-64byte"),
        (req(token_out, [txout(1, b"\x51").hex()]), None),
        (req(token_out, [txout(1, b"\x51").hex()], chain="regtest"), "bad-txns-token-unknown-asset"),
        (req(malformed_out, [txout(1, b"\x51").hex()], chain="test"), "bad-txns-token-prefix"),
        (req(spend_token, token_prev, chain="regtest"), None),
        (req(spend_token, token_prev), "BAD_OPCODE"),
        (req(spend_token, bad_prefix_prev, chain="main"), "TOKEN_PREFIX"),
        (req(spend, good_prev, index=1), "index "),
        (req(spend, good_prev + good_prev), "prevouts"),
        (req(spend, ["00"]), "prevouts[0]"),
        (req(spend, good_prev, flags="P2SH,FROB"), "unknown flag"),
        (req(spend, good_prev, chain="nosuch"), "unknown chain"),
        (req("zz", good_prev), "TX decode failed"),
        ('{"tx": 5}', "\"tx\""),
        ("[1, 2]", "not a JSON object"),
        ("this is not json", "invalid JSON"),
        (req(spend, good_prev, flags="P2SH,DERSIG"), None),  # still going after errors
    ]
    text = "\n".join(c[0] for c in cases) + "\n\n"
    rc, out, err = run(["verifytx"], text.encode())
    answers = out.splitlines()
    check(len(answers) == len(cases), f"one answer per line ({len(answers)}/{len(cases)}); blank line skipped")
    check(rc == 1, "verifytx exits 1 when some request failed")
    for (line, expect), a in zip(cases, answers):
        j = json.loads(a)
        if expect is None:
            check(j == {"ok": True}, f"{line[:70]}...: {a}")
        else:
            check(j.get("ok") is False and j.get("error", "").startswith(expect), f"expected {expect}: got {a}")

    # Throughput: the valid requests, repeated.
    batch = ("\n".join(lines * max(1, 6000 // len(lines))) + "\n").encode()
    count = batch.count(b"\n")
    start = time.time()
    rc, out, _ = run(["verifytx"], batch)
    secs = time.time() - start
    check(rc == 0 and out.count("\n") == count, "throughput batch all ok")
    print(f"verifytx: {count} objects in {secs:.2f}s = {count / secs:.0f} objects/s")


def main():
    if not os.access(UTIL, os.X_OK):
        print(f"FAIL: {UTIL} not built")
        return 1
    test_command_line()
    test_decodetx()
    test_decodetx_styles()
    with tempfile.TemporaryDirectory() as tmp:
        test_blocks(tmp)
    test_verifytx()
    print(f"util_test: {checks - len(failures)}/{checks} checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
