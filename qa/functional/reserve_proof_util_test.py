#!/usr/bin/env python3
"""hashmint-util verifyreserveproof against an independent implementation.

This file implements the reserve tree, the HMRS commitment and the proof
format from the text of doc/issuance.md ("Reserve commitment") alone, in
Python: it checks the document's example values, builds a vault set, a
regtest header chain from the node's genesis header with one block whose
coinbase commits to the set, and a proof for every vault. hashmint-util
must accept each (with and without --headers) and print the expected JSON,
and reject tampered proofs and broken headers files with the documented
reasons and exit codes.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import framework  # noqa: E402
from framework import HashmintTestFramework, assert_equal, assert_in, assert_true, hash256, ser_compact  # noqa: E402

MAX_MONEY = 21_000_000 * 100_000_000


def sha256(b):
    return hashlib.sha256(b).digest()


def tagged(tag, msg):
    t = sha256(tag.encode())
    return sha256(t + t + msg)


E = tagged("HMRS/empty", b"")


def key_of(txid, vout):
    return tagged("HMRS/key", txid + struct.pack("<I", vout))


def bit(key, i):
    return (key[i // 8] >> (7 - i % 8)) & 1


def leaf_bytes(leaf):
    txid, vout, asset, coll, debt, owner = leaf
    return txid + struct.pack("<I", vout) + asset + struct.pack("<QQ", coll, debt) + owner


def leaf_ref(leaf):
    return (tagged("HMRS/leaf", leaf_bytes(leaf)), leaf[3], leaf[4])


def ser_ref(r):
    return r[0] + struct.pack("<QQ", r[1], r[2])


def node(left, right):
    coll, debt = left[1] + right[1], left[2] + right[2]
    assert coll <= MAX_MONEY and debt <= 2**63 - 1
    return (tagged("HMRS/node", ser_ref(left) + ser_ref(right)), coll, debt)


def subtree(leaves, depth):
    """The subtree over leaves (whose keys share `depth` bits), per the text."""
    if not leaves:
        return (E, 0, 0)
    if len(leaves) == 1:
        return leaf_ref(leaves[0])
    left = [lf for lf in leaves if bit(key_of(lf[0], lf[1]), depth) == 0]
    right = [lf for lf in leaves if bit(key_of(lf[0], lf[1]), depth) == 1]
    return node(subtree(left, depth + 1), subtree(right, depth + 1))


def root_of(leaves):
    top = subtree(leaves, 0)
    return tagged("HMRS/root", struct.pack("<Q", len(leaves)) + ser_ref(top)), top


def path_of(leaves, target):
    """Siblings of target, the leaf's own sibling first."""
    k = key_of(target[0], target[1])
    sibs, group, depth = [], list(leaves), 0
    while len(group) > 1:
        same = [lf for lf in group if bit(key_of(lf[0], lf[1]), depth) == bit(k, depth)]
        other = [lf for lf in group if bit(key_of(lf[0], lf[1]), depth) != bit(k, depth)]
        sibs.append(subtree(other, depth + 1))
        group, depth = same, depth + 1
    assert group == [target]
    return list(reversed(sibs))


def commitment_script(root, coll, debt):
    return bytes([0x6a, 0x34]) + b"HMRS" + root + struct.pack("<QQ", coll, debt)


def push_int(n):
    """CScript() << n for heights >= 1."""
    if 1 <= n <= 16:
        return bytes([0x50 + n])
    b = n.to_bytes((n.bit_length() + 8) // 8, "little")  # room for the sign bit
    return bytes([len(b)]) + b


def coinbase_tx(height, extra_outputs):
    vin = ser_compact(1) + b"\x00" * 32 + b"\xff\xff\xff\xff" + ser_compact(len(push_int(height)) + 1) + \
        push_int(height) + b"\x00" + b"\xff\xff\xff\xff"
    outs = [(10 * 100_000_000, b"\x51")] + extra_outputs
    vout = ser_compact(len(outs)) + b"".join(struct.pack("<q", v) + ser_compact(len(s)) + s for v, s in outs)
    return struct.pack("<i", 2) + vin + vout + b"\x00\x00\x00\x00"


def merkle_branch0(txids):
    branch, level = [], list(txids)
    while len(level) > 1:
        branch.append(level[1])
        if len(level) % 2:
            level.append(level[-1])
        level = [hash256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return branch, level[0]


def header_bytes(version, prev, merkle, t, bits, nonce):
    return struct.pack("<i", version) + prev + merkle + struct.pack("<III", t, bits, nonce)


def mine(version, prev, merkle, t, bits):
    exp, mant = bits >> 24, bits & 0xffffff
    target = mant << (8 * (exp - 3))
    for nonce in range(1 << 32):
        h = header_bytes(version, prev, merkle, t, bits, nonce)
        if int.from_bytes(hash256(h), "little") <= target:
            return h
    raise AssertionError("no nonce")


def encode_proof(leaf, count, sibs, header, coinbase, branch, version=1):
    return bytes([version]) + leaf_bytes(leaf) + struct.pack("<QH", count, len(sibs)) + \
        b"".join(ser_ref(s) for s in sibs) + header + ser_compact(len(coinbase)) + coinbase + \
        bytes([len(branch)]) + b"".join(branch)


class ReserveProofUtilTest(HashmintTestFramework):
    """reserve_proof_util_test"""

    def util(self, *args):
        exe = os.path.join(framework.BUILDDIR, "hashmint-util")
        p = subprocess.run([exe, "verifyreserveproof"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=300)
        out = p.stdout.decode()
        return p.returncode, (json.loads(out) if out.strip().startswith("{") else out), p.stderr.decode()

    def expect_invalid(self, args, reason, what):
        rc, res, err = self.util(*args)
        assert_equal(rc, 1, f"{what}: exit code ({res} {err})")
        assert_equal(res["valid"], False, what)
        assert_equal(res["error"], reason, f"{what}: reason ({res})")

    def check_doc_vectors(self):
        assert_equal(E.hex(), "71bcb212b0f01939941f4c8eb83259031951bd88d63e03c5233f66ab78803935", "empty value")
        assert_equal(root_of([])[0].hex(), "44972999d2160330e213616c1fd1aa5c54409254475a6e4595cd26bcd72af3b1",
                     "empty root")
        a = (bytes(range(32)), 1, b"\xaa" * 32, 5_000_000_000, 100_000_000_000, b"\xbb" * 32)
        b = (bytes(range(32)), 2, b"\xaa" * 32, 2_500_000_000, 0, b"\xbb" * 32)
        assert_equal(key_of(a[0], a[1]).hex(), "0ac01cc725a7e9827a939adcb971d8df7f399775ef95cbbed27db7103de0bd3b")
        assert_equal(leaf_ref(a)[0].hex(), "b651e1a4fce00d7ada7330949fed8d53b32453aadbeb40838e2574d0321196f4")
        assert_equal(key_of(b[0], b[1]).hex(), "bb0d97931300b841df6225714bbb4645356cd02890ea462848504d131bfb5237")
        assert_equal(leaf_ref(b)[0].hex(), "22f9638e73ba568a969d1b3a7bea6b86c31126d22c53ce03f6a7b1d3cd7710c0")
        assert_equal(root_of([a])[0].hex(), "8107a778059e4280bbacd620adef2764bf52b83c78c18e4b8e140ee7a7834250")
        root, top = root_of([a, b])
        assert_equal(root.hex(), "6e682f6dbb9d417ac4dd4ebab105a8749c74708bdf56d62dc039a6b4efeada5b")
        assert_equal(commitment_script(root, top[1], top[2]).hex(),
                     "6a34484d5253" + root.hex() + "00eb08bf01000000" + "00e8764817000000")

    def run_test(self):
        self.check_doc_vectors()
        node = self.nodes[0]
        genesis = bytes.fromhex(node.getblockheader(node.getblockhash(0), False))
        assert_equal(len(genesis), 80)
        bits = struct.unpack("<I", genesis[72:76])[0]
        gtime = struct.unpack("<I", genesis[68:72])[0]

        # 60 vaults of one asset, a few with debt 0.
        asset = sha256(b"test asset")
        leaves = []
        for i in range(60):
            txid = sha256(b"vault tx %d" % i)
            leaves.append((txid, i % 3, asset, 10_000_000 + 123_457 * i, 0 if i % 4 == 0 else 5_000_000_000 + i,
                           sha256(b"owner %d" % i)))
        root, top = root_of(leaves)

        # Headers 1..12; block 9 commits to the vaults, with 6 other transactions.
        height = 9
        coinbase = coinbase_tx(height, [(0, commitment_script(root, top[1], top[2]))])
        others = [sha256(b"other tx %d" % i) for i in range(6)]
        branch, merkle = merkle_branch0([hash256(coinbase)] + others)
        headers = [genesis]
        for h in range(1, 13):
            m = merkle if h == height else sha256(b"block %d" % h)
            headers.append(mine(4, hash256(headers[-1]), m, gtime + 600 * h, bits))
        proof_header = headers[height]
        block_hash = hash256(proof_header)[::-1].hex()

        tmp = tempfile.mkdtemp(prefix="hm_reserve_", dir=self.tmpdir)
        hfile = os.path.join(tmp, "headers.bin")
        with open(hfile, "wb") as f:
            f.write(b"".join(headers))

        # Every vault's proof verifies, and the JSON is the documented one.
        for n, leaf in enumerate(leaves):
            proof = encode_proof(leaf, len(leaves), path_of(leaves, leaf), proof_header, coinbase, branch)
            args = ["--chain=regtest", proof.hex()]
            if n % 10 == 0:
                args.insert(1, f"--headers={hfile}")
            rc, res, err = self.util(*args)
            assert_equal(rc, 0, f"vault {n}: {res} {err}")
            assert_equal(res["valid"], True)
            assert_equal(res["txid"], leaf[0][::-1].hex())
            assert_equal(res["vout"], leaf[1])
            assert_equal(res["asset_id"], asset[::-1].hex())
            assert_equal(res["collateral"], leaf[3])
            assert_equal(res["debt"], leaf[4])
            assert_equal(res["owner_script_hash"], leaf[5].hex())
            assert_equal(res["blockhash"], block_hash)
            assert_equal(res["height"], height)
            assert_equal(res["root"], root[::-1].hex())
            assert_equal(res["total_collateral"], top[1])
            assert_equal(res["total_debt"], top[2])
            assert_equal(res["vault_count"], len(leaves))
            if n % 10 == 0:
                assert_equal(res["headers_tip_height"], 12)
                assert_equal(res["confirmations"], 12 - height + 1)
            else:
                assert_true("confirmations" not in res)

        leaf = leaves[7]
        sibs = path_of(leaves, leaf)
        good = encode_proof(leaf, len(leaves), sibs, proof_header, coinbase, branch)
        pfile = os.path.join(tmp, "proof.hex")
        with open(pfile, "w") as f:
            f.write(good.hex() + "\n")
        rc, res, _ = self.util("--chain=regtest", f"--headers={hfile}", pfile)
        assert_equal(rc, 0, "proof read from a hex file")

        # Tampering, each with its documented reason.
        bad_leaf = (leaf[0], leaf[1], leaf[2], leaf[3] + 1, leaf[4], leaf[5])
        self.expect_invalid(["--chain=regtest", encode_proof(bad_leaf, len(leaves), sibs, proof_header, coinbase,
                                                             branch).hex()], "bad-reserve-commitment", "collateral + 1")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves) + 1, sibs, proof_header, coinbase,
                                                             branch).hex()], "bad-reserve-commitment", "count + 1")
        s0 = sibs[0]
        netted = [(s0[0], s0[1] + 1, s0[2] + 1)] + sibs[1:]
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), netted, proof_header, coinbase,
                                                             branch).hex()], "bad-reserve-commitment", "netted sums")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), sibs[:-1], proof_header, coinbase,
                                                             branch).hex()], "bad-reserve-commitment", "path - 1")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), [(E, 0, 0)] + sibs, proof_header,
                                                             coinbase, branch).hex()], "bad-reserve-path",
                            "empty beside the leaf")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), [leaf_ref(leaf)] + sibs,
                                                             proof_header, coinbase, branch).hex()],
                            "bad-reserve-path", "leaf paired with itself")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), sibs, headers[height + 1], coinbase,
                                                             branch).hex()], "bad-reserve-proof-merkle", "other header")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), sibs, proof_header, coinbase,
                                                             branch[:-1]).hex()], "bad-reserve-proof-merkle",
                            "branch - 1")
        self.expect_invalid(["--chain=regtest", good.hex() + "00"], "bad-reserve-proof-encoding", "trailing byte")
        self.expect_invalid(["--chain=regtest", good[:-1].hex()], "bad-reserve-proof-encoding", "truncated")
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), sibs, proof_header, coinbase, branch,
                                                             version=2).hex()], "bad-reserve-proof-encoding",
                            "version 2")
        two = coinbase_tx(height, [(0, commitment_script(root, top[1], top[2]))] * 2)
        self.expect_invalid(["--chain=regtest", encode_proof(leaf, len(leaves), sibs, proof_header, two,
                                                             branch).hex()], "bad-reserve-commitment",
                            "two commitments")
        # The main chain's proof-of-work limit is far harder than regtest's headers.
        self.expect_invalid([good.hex()], "high-hash", "regtest header on main")

        # Headers files.
        def hfile_with(hs, name, extra=b""):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(b"".join(hs) + extra)
            return path

        args = ["--chain=regtest", good.hex()]
        self.expect_invalid([f"--headers={hfile_with(headers[:height], 'short.bin')}"] + args,
                            "bad-headers-missing-block", "block not in the file")
        self.expect_invalid([f"--headers={hfile_with(headers[:5] + headers[6:], 'gap.bin')}"] + args,
                            "bad-headers-prevblk", "a header missing in the middle")
        self.expect_invalid([f"--headers={hfile_with(headers[1:], 'nogenesis.bin')}"] + args,
                            "bad-headers-genesis", "no genesis")
        self.expect_invalid([f"--headers={hfile_with(headers, 'odd.bin', b'x' * 7)}"] + args,
                            "bad-headers-length", "partial header")
        # The same block claimed at another height: a coinbase that says 8.
        cb8 = coinbase_tx(8, [(0, commitment_script(root, top[1], top[2]))])
        br8, m8 = merkle_branch0([hash256(cb8)] + others)
        h8 = headers[:height] + [mine(4, hash256(headers[height - 1]), m8, gtime + 600 * height, bits)]
        p8 = encode_proof(leaf, len(leaves), sibs, h8[height], cb8, br8)
        self.expect_invalid([f"--headers={hfile_with(h8, 'h8.bin')}", "--chain=regtest", p8.hex()],
                            "bad-reserve-proof-height", "coinbase height differs from the header's")

        # Usage errors: exit 2.
        rc, _, err = self.util()
        assert_equal(rc, 2, "no argument")
        rc, _, err = self.util("--chain=nope", good.hex())
        assert_equal(rc, 2, "unknown chain")
        rc, _, err = self.util("--bogus", good.hex())
        assert_equal(rc, 2, "unknown option")
        rc, _, err = self.util("--chain=regtest", f"--headers={os.path.join(tmp, 'absent.bin')}", good.hex())
        assert_equal(rc, 1, "unreadable headers file")
        assert_in("absent.bin", err)


if __name__ == "__main__":
    ReserveProofUtilTest().main()
