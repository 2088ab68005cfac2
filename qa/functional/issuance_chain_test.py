#!/usr/bin/env python3
"""The issuance layer in consensus, with real nodes (doc/issuance.md).

Two nodes: node0 mines and takes transactions, node1 follows over P2P.
Raw transactions only (createrawtransaction token outputs, signed by
signrawtransactionwithkey with the documented regtest keys,
doc/chain-params.md "Keys: regtest"):
- two vaults opened by generatetovault, matured;
- an oracle update signed 2-of-3 and a mint signed 3-of-5 (and the owner);
- a token transfer to a third party, who liquidates the vault after a price
  fall without any signature of the owner (the owner is paid its share at
  output 0, one base unit less is refused);
- the issuer's pause flag and the circuit breaker stop a mint;
- invalid issuance transactions are refused by the mempool and in a block
  (generateblock, submitblock) with their own reasons, and the node goes on;
- the hidden getissuancestate RPC (the state serialised byte for byte, and
  the reserve tree's root, count and totals) is recorded after every block:
  invalidateblock/reconsiderblock across the mint and the liquidation
  restore it exactly, node1 agrees at every block, and a node killed with
  SIGKILL during issuance blocks restarts into the state of its tip, then
  catches up;
- every block's coinbase carries the HMRS commitment of the tree the node
  computes (a vault opened by a coinbase joins the committed tree in the
  next block), the same on both nodes; getblocktemplate's
  default_reserve_commitment makes a valid block; a commitment off by one
  unit is refused by submitblock (bad-reserve-commitment), and a test peer
  sending such a block is punished and the block does not reach node1.
"""
import os
import struct
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (Block, HashmintTestFramework, JSONRPCException, Key, Reader, Tx, TxOut,  # noqa: E402
                       assert_equal, assert_in, assert_raises_rpc_error, assert_true, block_from_template, coins,
                       log, merkle_root, p2wsh_script, satoshi, script_to_address, sign_with_rpc, wait_until)
from p2p_util import connect_args, p2p_listen_args, wait_for_tip  # noqa: E402
import p2p_client as p2p  # noqa: E402

ISSUER_KEYS = [Key.from_label(f"hashmint regtest issuer key {i}") for i in (1, 2, 3)]
WRONG_ISSUER_KEYS = ISSUER_KEYS[:2]
ORACLE_KEYS = [Key.from_label(f"hashmint regtest oracle key {i}") for i in (1, 2)]
NOT_ORACLE_KEYS = [Key.from_label("not an oracle key 1"), Key.from_label("not an oracle key 2")]
ISSUER_WS = (
    "5321030232ff81e4445918e23691afaaff7fd3617b50c07ada560fa4d12e56f7df2cc82103a9e0281ecf5d969af093f0a6dcb4779ef1"
    "655965c219c8b39ee3d659e0e7b5242103e502c55671ee3d5ff3cb06b97fa2ae0797e552dd45db5585a7bda6f4813b6d782102124bf4"
    "d8a022e0ee8ba3bd25cd5e081c84aab4bc40da172cfb295fd32b6ea8e721039bdb45e7059da65c8ade8bd1c6b0a6817ab5b9d3302804"
    "12ab4d468199f8b2c355ae")
ORACLE_WS = (
    "522103693a4c32099c21f32b6c2a55134933098be7dbf67557c284fe5b8670db244f9221026766caf58c6b8195c749ef1404dec890"
    "0b7f9c8100b33e98f4dbf420d09ceaf32102c88eed639620f2fd05d095afa575f25aea1ea1738d14fd6515dd33f8388ec2db53ae")
ISSUER_ADDR = script_to_address(p2wsh_script(bytes.fromhex(ISSUER_WS)))
ORACLE_ADDR = script_to_address(p2wsh_script(bytes.fromhex(ORACLE_WS)))

HUSD = 100_000_000
FEE = 20_000
# HUSD's parameters (doc/chain-params.md, "Asset definitions").
MIN_RATIO, LIQ_RATIO, BONUS, BREAKER_PAUSE = 150, 120, 10, 60

OWNER_A = Key.from_label("issuance chain owner a")
OWNER_B = Key.from_label("issuance chain owner b")
LIQUIDATOR = Key.from_label("issuance chain liquidator")
MINER = Key.from_label("issuance chain miner")


def parse_state(hexstr):
    """doc/issuance.md "Issuance state": the `state` format, first asset."""
    r = Reader(bytes.fromhex(hexstr))
    assert_equal(r.u8(), 1, "state version")
    n = r.compact()
    assets = []
    for _ in range(n):
        a = {"asset_id": r.read(32)[::-1].hex(), "supply": struct.unpack("<Q", r.read(8))[0],
             "oracle": (r.read(32)[::-1].hex(), r.u32()), "price": struct.unpack("<Q", r.read(8))[0],
             "price_height": r.i32(), "issuer": (r.read(32)[::-1].hex(), r.u32()), "issuer_flags": r.u8(),
             "breaker_until": r.i32(), "window_base": struct.unpack("<Q", r.read(8))[0]}
        m = r.compact()
        a["window"] = [(r.i32(), struct.unpack("<Q", r.read(8))[0], struct.unpack("<Q", r.read(8))[0])
                       for _ in range(m)]
        assets.append(a)
    assert_true(r.done(), "no trailing bytes")
    return assets[0]


def seized(collateral, debt, price):
    """doc/issuance.md rule 7: min(collateral, ceil(debt * (100 + bonus) * 1e8 / (100 * price)))."""
    return min(collateral, -(-(debt * (100 + BONUS) * 10**8) // (100 * price)))


class IssuanceChainTest(HashmintTestFramework):
    """issuance_chain_test"""
    num_nodes = 0

    def setup_nodes(self):
        n1 = self.add_node(p2p_listen_args())
        n1.start()
        n0 = self.add_node(connect_args(n1) + p2p_listen_args() + ["-debug=net"])
        n0.start()
        self.node, self.peer = n0, n1
        wait_until(lambda: len(n1.getpeerinfo()) == 1, what="node0 connected to node1")

    # ---- helpers ----

    def state(self, node=None):
        return (node or self.node).getissuancestate()

    def asset(self, node=None):
        return parse_state(self.state(node)["state"])

    def hmrs(self, node, blockhash):
        """The HMRS output script of a block's coinbase (hex), checked to be the only one."""
        outs = [o["scriptPubKey"]["hex"] for o in node.getblock(blockhash, 2)["tx"][0]["vout"]
                if o["scriptPubKey"]["hex"].startswith("6a34484d5253")]
        assert_equal(len(outs), 1, f"one HMRS output in {blockhash[:16]}")
        return outs[0]

    def record(self):
        """Records the state after the tip; checks the tip's HMRS output is the
        tree the node computes, and node1 agrees on both."""
        s = self.state()
        self.states[s["hash"]] = s
        r = s["reserve"]
        want = ("6a34484d5253" + r["root"] + struct.pack("<Q", r["collateral"]).hex() +
                struct.pack("<Q", r["debt"]).hex())
        assert_equal(self.hmrs(self.node, s["hash"]), want, "the tip commits to the node's tree")
        wait_for_tip([self.node, self.peer])
        assert_equal(self.state(self.peer), s, "node1 has the same issuance state and tree")
        assert_equal(self.hmrs(self.peer, s["hash"]), want, "node1 has the same commitment")
        return s

    def mine(self, n=1, to=None):
        hashes = self.node.generatetoaddress(n, (to or MINER).p2wpkh_address())
        for h in hashes:
            b = self.node.getblock(h, 2)
            cb = b["tx"][0]
            if to is None:
                self.miner_coins.append({"txid": cb["txid"], "vout": 0, "amount": cb["vout"][0]["value"],
                                         "scriptPubKey": cb["vout"][0]["scriptPubKey"]["hex"],
                                         "height": b["height"]})
        self.record()
        return hashes

    def fee_coin(self):
        """A mature coinbase output of the miner key, for fees."""
        tip = self.node.getblockcount()
        for i, c in enumerate(self.miner_coins):
            if c["height"] + 100 <= tip + 1:
                c = self.miner_coins.pop(i)
                return {k: c[k] for k in ("txid", "vout", "amount", "scriptPubKey")}
        raise AssertionError("no mature miner coin")

    def utxo(self, txid, vout):
        o = self.node.gettxout(txid, vout)
        assert_true(o is not None, f"{txid}:{vout} unspent")
        return {"txid": txid, "vout": vout, "amount": o["value"], "scriptPubKey": o["scriptPubKey"]["hex"]}

    def send(self, raw, keys, prevtxs):
        return self.node.sendrawtransaction(sign_with_rpc(self.node, raw, keys, prevtxs))

    def rejected(self, reason, raw, keys, prevtxs):
        signed = sign_with_rpc(self.node, raw, keys, prevtxs)
        assert_raises_rpc_error(-26, reason, self.node.sendrawtransaction, signed)
        return signed

    def oracle_tx(self, price, keys=ORACLE_KEYS, fee_sats=FEE):
        """An oracle update to price (plus a fee input from the miner)."""
        a = self.asset()
        oracle = self.utxo(*a["oracle"])
        oracle["witnessScript"] = ORACLE_WS
        fee = self.fee_coin()
        raw = self.node.createrawtransaction(
            [{"txid": oracle["txid"], "vout": oracle["vout"]}, {"txid": fee["txid"], "vout": 0}],
            [{ORACLE_ADDR: {"kind": "oracle", "price": price, "value": oracle["amount"]}},
             {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - fee_sats)}])
        return raw, keys + [MINER], [oracle, fee]

    def issuer_update(self, flags):
        a = self.asset()
        issuer = self.utxo(*a["issuer"])
        issuer["witnessScript"] = ISSUER_WS
        fee = self.fee_coin()
        raw = self.node.createrawtransaction(
            [{"txid": issuer["txid"], "vout": issuer["vout"]}, {"txid": fee["txid"], "vout": 0}],
            [{ISSUER_ADDR: {"kind": "issuer", "flags": flags, "value": issuer["amount"]}},
             {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}])
        self.send(raw, ISSUER_KEYS + [MINER], [issuer, fee])

    def mint_tx(self, vault, owner, debt, flags=0):
        """Raises the vault's debt to `debt` and pays the new tokens to the owner."""
        a = self.asset()
        issuer = self.utxo(*a["issuer"])
        issuer["witnessScript"] = ISSUER_WS
        v = self.utxo(*vault)
        old = self.node.gettxout(*vault)["token"]["debt"]
        outs = [{owner.p2wpkh_address(): {"kind": "vault", "debt": debt,
                                          "value": coins(satoshi(v["amount"]) - FEE)}},
                {ISSUER_ADDR: {"kind": "issuer", "flags": flags, "value": issuer["amount"]}}]
        if debt > old:
            outs.append({owner.p2wpkh_address(): {"kind": "token", "amount": debt - old}})
        raw = self.node.createrawtransaction([{"txid": v["txid"], "vout": v["vout"]},
                                              {"txid": issuer["txid"], "vout": issuer["vout"]}], outs)
        return raw, [owner] + ISSUER_KEYS, [v, issuer]

    # ---- the test ----

    def run_test(self):
        node = self.node
        self.states = {}
        self.miner_coins = []
        start = parse_state(self.state()["state"])
        assert_equal(start["supply"], 0)
        assert_equal(start["price"], 100 * HUSD, "genesis price 100 HUSD/HMC")
        asset_id = start["asset_id"]

        # Two vaults opened by coinbases, then 110 blocks to mature them.
        [h1] = node.generatetovault(1, OWNER_A.p2wpkh_address())
        [h2] = node.generatetovault(1, OWNER_B.p2wpkh_address())
        vault_a = (node.getblock(h1)["tx"][0], 0)
        vault_b = (node.getblock(h2)["tx"][0], 0)
        s = self.record()
        # Block 2 cannot commit to the vault its own coinbase opens: it joins the next block's tree.
        assert_equal((s["reserve"]["count"], s["reserve_all"]["count"]), (1, 2))
        self.mine(110)
        s = self.state()
        assert_equal((s["reserve"]["count"], s["reserve_all"]["count"]), (2, 2))
        assert_equal(s["reserve"]["collateral"], satoshi(node.gettxout(*vault_a)["value"]) * 2)
        log("two coinbase vaults opened and matured; each joins the committed tree a block later")

        # The genesis price is stale at height 113: a mint needs a fresh one.
        raw, keys, prev = self.mint_tx(vault_a, OWNER_A, 300 * HUSD)
        self.rejected("bad-issuance-mint-price-stale", raw, keys, prev)

        # An oracle update signed by keys that are not the oracle's: a script failure.
        raw, keys, prev = self.oracle_tx(100 * HUSD, NOT_ORACLE_KEYS)
        r = node.signrawtransactionwithkey(raw, [k.wif() for k in keys], prev)
        assert_true(not r["complete"], "wrong keys cannot complete the oracle input")
        assert_raises_rpc_error(-26, "mandatory-script-verify-flag-failed", node.sendrawtransaction, r["hex"])
        self.miner_coins.insert(0, dict(prev[1], height=0))
        # Price 0 is refused.
        raw, keys, prev = self.oracle_tx(0)
        self.rejected("bad-issuance-oracle-price-zero", raw, keys, prev)
        self.miner_coins.insert(0, dict(prev[1], height=0))
        # 2 of 3 oracle keys set 100 HUSD/HMC (fresh at the next block).
        raw, keys, prev = self.oracle_tx(100 * HUSD)
        self.send(raw, keys, prev)
        self.mine()
        a = self.asset()
        assert_equal(a["price_height"], node.getblockcount(), "price height = the update's block")
        log("oracle update signed 2 of 3; wrong keys and price 0 refused")

        # Mint: vault A (about 10 HMC) at 100 HUSD/HMC backs at most 666 HUSD at 150 %.
        collateral_a = satoshi(node.gettxout(*vault_a)["value"]) - FEE
        limit = collateral_a * 100 * HUSD * 100 // (MIN_RATIO * 10**8)
        raw, keys, prev = self.mint_tx(vault_a, OWNER_A, limit + 1)
        self.rejected("bad-issuance-mint-ratio", raw, keys, prev)
        raw, keys, prev = self.mint_tx(vault_a, OWNER_A, 300 * HUSD)
        # 2 of 5 issuer keys are not enough.
        r = node.signrawtransactionwithkey(raw, [k.wif() for k in [OWNER_A] + WRONG_ISSUER_KEYS], prev)
        assert_true(not r["complete"])
        assert_raises_rpc_error(-26, "mandatory-script-verify-flag-failed", node.sendrawtransaction, r["hex"])
        # In a block too: generateblock refuses the over-ratio mint with its reason.
        bad = sign_with_rpc(node, self.mint_tx(vault_a, OWNER_A, limit + 1)[0], keys, prev)
        assert_raises_rpc_error(-25, "bad-issuance-mint-ratio", node.generateblock, MINER.p2wpkh_address(), [bad])
        # ... and submitblock of a block carrying it.
        tmpl = node.getblocktemplate({"rules": ["segwit"]})
        blk = block_from_template(tmpl, MINER.p2wpkh_script(), [Tx.from_hex(bad)])
        self.add_template_commitments(tmpl, blk)
        assert_equal(node.submitblock(blk.hex()), "bad-issuance-mint-ratio")
        mint_txid = self.send(raw, keys, prev)
        [h_mint] = self.mine()
        assert_in(mint_txid, node.getblock(h_mint)["tx"])
        vault_a = (mint_txid, 0)
        a = self.asset()
        assert_equal(a["supply"], 300 * HUSD)
        assert_equal(a["issuer"], (mint_txid, 1), "the state follows the new ISSUER output")
        log("mint of 300 HUSD signed 3 of 5; over-ratio refused in the mempool, generateblock and submitblock")

        # Invalid shapes: a vault created outside a coinbase, two vaults in one transaction.
        fee = self.fee_coin()
        raw = node.createrawtransaction([{"txid": fee["txid"], "vout": 0}],
                                        [{MINER.p2wpkh_address(): {"kind": "vault", "debt": 0, "value": 1}}])
        self.rejected("bad-issuance-vault-open", raw, [MINER], [fee])
        va, vb = self.utxo(*vault_a), self.utxo(*vault_b)
        raw = node.createrawtransaction([{"txid": va["txid"], "vout": 0}, {"txid": vb["txid"], "vout": 0}],
                                        [{OWNER_A.p2wpkh_address(): coins(satoshi(va["amount"]) - FEE)}])
        self.rejected("bad-issuance-vault-multiple-in", raw, [OWNER_A, OWNER_B], [va, vb])
        # An unknown asset in a hand-made output.
        t = Tx.from_hex(node.createrawtransaction([{"txid": fee["txid"], "vout": 0}],
                                                  [{MINER.p2wpkh_address(): {"kind": "token", "amount": 5}}]))
        spk = bytearray(t.vout[0].script_pubkey)
        spk[2] ^= 0xff
        t.vout[0] = TxOut(0, bytes(spk))
        self.rejected("bad-txns-token-unknown-asset", t.hex(), [MINER], [fee])
        self.miner_coins.insert(0, dict(fee, height=0))
        log("vault outside a coinbase, two vaults, unknown asset: refused")

        # The issuer pauses minting: a mint of vault B is refused; unpaused, it goes through.
        self.issuer_update(1)
        self.mine()
        assert_equal(self.asset()["issuer_flags"], 1)
        raw, keys, prev = self.mint_tx(vault_b, OWNER_B, 50 * HUSD)
        self.rejected("bad-issuance-mint-paused", raw, keys, prev)
        self.issuer_update(0)
        self.mine()
        log("the issuer's pause flag stops a mint")

        # Tokens go to a third party, the liquidator.
        fee = self.fee_coin()
        tok = self.utxo(mint_txid, 2)
        raw = node.createrawtransaction(
            [{"txid": tok["txid"], "vout": 2}, {"txid": fee["txid"], "vout": 0}],
            [{LIQUIDATOR.p2wpkh_address(): {"kind": "token", "amount": 300 * HUSD}},
             {LIQUIDATOR.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}])
        xfer = self.send(raw, [OWNER_A, MINER], [tok, fee])
        self.mine()

        # A healthy vault cannot be liquidated.
        liq_tok = self.utxo(xfer, 0)
        liq_hmc = self.utxo(xfer, 1)
        va = self.utxo(*vault_a)
        coll = satoshi(va["amount"])

        def liquidation(owner_value):
            raw = node.createrawtransaction(
                [{"txid": va["txid"], "vout": 0}, {"txid": xfer, "vout": 0}, {"txid": xfer, "vout": 1}],
                [{OWNER_A.p2wpkh_address(): coins(owner_value)},
                 {LIQUIDATOR.p2wpkh_address(): coins(coll - owner_value + satoshi(liq_hmc["amount"]) - FEE)}])
            r = node.signrawtransactionwithkey(raw, [LIQUIDATOR.wif()], [va, liq_tok, liq_hmc])
            t = Tx.from_hex(r["hex"])
            assert_equal(t.vin[0].script_sig, b"", "the vault input stays empty")
            assert_equal(t.vin[0].witness, [], "the vault input has no witness")
            return r["hex"]

        assert_raises_rpc_error(-26, "bad-issuance-liquidate-healthy", node.sendrawtransaction, liquidation(coll // 2))

        # A mint of vault B waits in the mempool (valid at the next height)...
        raw, keys, prev = self.mint_tx(vault_b, OWNER_B, 50 * HUSD)
        mint_b = self.send(raw, keys, prev)
        # ... when the price falls to 35 HUSD/HMC (vault A at 116.7 %), paying more: the block
        # assembler puts the fall first, the breaker trips, and the mint is left out of the block
        # and then out of the mempool.
        raw, keys, prev = self.oracle_tx(35 * HUSD, fee_sats=10 * FEE)
        drop_txid = self.send(raw, keys, prev)
        assert_equal(sorted(node.getrawmempool()), sorted([mint_b, drop_txid]))
        [h_drop] = self.mine()
        assert_equal(node.getblock(h_drop)["tx"][1:], [drop_txid], "the block has the fall, not the mint")
        assert_equal(node.getrawmempool(), [], "the mint left the mempool: the breaker is on at the next height")
        a = self.asset()
        drop_height = node.getblock(h_drop)["height"]
        assert_equal(a["breaker_until"], drop_height + BREAKER_PAUSE)
        raw, keys, prev = self.mint_tx(vault_b, OWNER_B, 50 * HUSD)
        self.rejected("bad-issuance-mint-breaker", raw, keys, prev)
        log("a 65 % price fall trips the breaker: a waiting mint is left out of the block and the mempool, "
            "a new one is refused")

        owed = coll - seized(coll, 300 * HUSD, 35 * HUSD)
        assert_true(owed > 0, "the owner is owed part of the collateral")
        assert_raises_rpc_error(-26, "bad-issuance-liquidate-owner-value", node.sendrawtransaction,
                                liquidation(owed - 1))
        liq_txid = node.sendrawtransaction(liquidation(owed))
        [h_liq] = self.mine()
        assert_in(liq_txid, node.getblock(h_liq)["tx"])
        assert_equal(node.gettxout(liq_txid, 0)["value"], coins(owed), "the owner's share at output 0")
        assert_equal(node.gettxout(*vault_a), None, "the vault is gone")
        assert_equal(self.asset()["supply"], 0, "the debt was burnt")
        log(f"liquidation by a third party without the owner's signature; owner paid {owed}, one unit less refused")

        self.case_commitments()

        # A reorganisation across the mint and the liquidation restores every state exactly.
        final = self.state()
        utxo_final = node.gettxoutsetinfo()["hash_serialized_3"]
        node.invalidateblock(h_mint)
        before_mint = node.getblock(h_mint)["previousblockhash"]
        assert_equal(node.getbestblockhash(), before_mint)
        assert_equal(self.state(), self.states[before_mint], "state and tree before the mint")
        node.reconsiderblock(h_mint)
        assert_equal(self.state(), final, "state after reconsiderblock")
        assert_equal(node.gettxoutsetinfo()["hash_serialized_3"], utxo_final)
        for h in (h_liq, h_drop):
            node.invalidateblock(h)
            prev = node.getblock(h)["previousblockhash"]
            assert_equal(self.state(), self.states[prev], f"state and tree at {prev[:16]}")
        node.reconsiderblock(h_drop)
        node.reconsiderblock(h_liq)
        assert_equal(self.state(), final)
        wait_for_tip([node, self.peer])
        assert_equal(self.state(self.peer), final)
        log("invalidateblock/reconsiderblock across the mint and the liquidation restore the state exactly")

        # SIGKILL during issuance blocks: each restart is at a tip whose state we recorded.
        for rnd in range(3):
            raw, keys, prev = self.oracle_tx((36 + rnd) * HUSD)
            self.send(raw, keys, prev)
            self.mine(2)
            self.node.kill()
            self.node.start()
            s = self.state()
            assert_equal(s, self.states[s["hash"]], f"round {rnd}: the state and tree of the restarted tip")
            wait_for_tip([self.node, self.peer], self.peer.getbestblockhash())
            assert_equal(self.state(), self.state(self.peer), "caught up with node1")
            wait_until(lambda: len(self.peer.getpeerinfo()) == 1, what="reconnected")
        log("SIGKILL after issuance blocks: restarts into the recorded state and catches up")

        # A crash inside the coins flush (the store dies between partial batches, one coin per
        # batch): the restart replays the interrupted flush, state and tree included.
        self.node.stop()
        self.node.start(["-dbbatchsize=1"], env={"HASHMINT_DB_CRASH_RATIO": "1"})
        wait_until(lambda: len(self.peer.getpeerinfo()) == 1, what="reconnected")
        raw, keys, prev = self.oracle_tx(40 * HUSD)
        self.send(raw, keys, prev)
        self.mine(2)
        try:
            self.node.gettxoutsetinfo()  # flushes: the store dies in it
        except (JSONRPCException, OSError, ConnectionError):
            pass
        self.node.wait_for_exit(expect_code=0)
        with open(self.node.debug_log, "rb") as f:
            assert_in(b"Simulating a crash", f.read(), "the flush was interrupted")
        off = os.path.getsize(self.node.debug_log)
        self.node.start()
        with open(self.node.debug_log, "rb") as f:
            f.seek(off)
            assert_in(b"Replaying blocks", f.read(), "the restart replays the interrupted flush")
        s = self.state()
        assert_equal(s, self.states[s["hash"]], "the replayed state and tree are those recorded")
        wait_for_tip([self.node, self.peer], self.peer.getbestblockhash())
        assert_equal(self.state(), self.state(self.peer))
        log("a crash inside a flush: the replay ends in the recorded state and tree")

        # -reindex-chainstate and -reindex rebuild both from the blocks.
        want = self.state()
        for opt in ("-reindex-chainstate", "-reindex"):
            self.node.stop()
            self.node.start([opt])
            wait_until(lambda: self.node.getblockcount() == want["height"], what=f"{opt} done")
            assert_equal(self.state(), want, f"{opt} rebuilds the state and the tree")
        log("-reindex-chainstate and -reindex rebuild the state and the tree")

        # Every block's commitment, on both nodes (node1 checked each against its own tree).
        wait_for_tip([self.node, self.peer])
        for h in range(1, self.node.getblockcount() + 1):
            bh = self.node.getblockhash(h)
            assert_equal(self.hmrs(self.node, bh), self.hmrs(self.peer, bh), f"HMRS of block {h}")
        log(f"both nodes carry the same HMRS commitment in all {self.node.getblockcount()} blocks")

    def add_template_commitments(self, tmpl, blk):
        """block_from_template already takes default_reserve_commitment: check it is there."""
        assert_in("default_reserve_commitment", tmpl)
        assert_in(bytes.fromhex(tmpl["default_reserve_commitment"]), [o.script_pubkey for o in blk.txs[0].vout])

    def case_commitments(self):
        """External miners, wrong commitments by RPC and by P2P."""
        node = self.node
        tip = node.getbestblockhash()
        # A block built from getblocktemplate with its default_reserve_commitment connects.
        tmpl = node.getblocktemplate({"rules": ["segwit"]})
        assert_equal(tmpl["default_reserve_commitment"][:12], "6a34484d5253")
        blk = block_from_template(tmpl, MINER.p2wpkh_script())
        assert_equal(node.submitblock(blk.hex()), None, "a template block with its commitment is valid")
        self.record()

        def with_commitment(spk_hex, payee=MINER):
            tmpl = node.getblocktemplate({"rules": ["segwit"]})
            tmpl = dict(tmpl, default_reserve_commitment=spk_hex)
            return block_from_template(tmpl, payee.p2wpkh_script())

        good = node.getblocktemplate({"rules": ["segwit"]})["default_reserve_commitment"]
        debt = struct.unpack("<Q", bytes.fromhex(good[92:108]))[0]
        coll = struct.unpack("<Q", bytes.fromhex(good[76:92]))[0]
        off_debt = good[:92] + struct.pack("<Q", debt + 1).hex()
        off_coll = good[:76] + struct.pack("<Q", coll - 1).hex() + good[92:]
        for bad in (off_debt, off_coll):
            assert_equal(node.submitblock(with_commitment(bad).hex()), "bad-reserve-commitment")
        missing = with_commitment(None)
        assert_equal(node.submitblock(missing.hex()), "bad-reserve-commitment")
        log("getblocktemplate's default_reserve_commitment makes a valid block; one unit off or none: refused")

        # From a P2P peer: punished, and the block never reaches node1. Another
        # payee makes it a block node0 has not already marked invalid (that
        # one would be refused as a "duplicate" before its commitment is read).
        tip = node.getbestblockhash()
        blk = with_commitment(off_debt, payee=OWNER_A)
        conn = p2p.P2PConnection.connect_to(node)
        conn.handshake(start_height=node.getblockcount())
        conn.sync_with_ping()
        off = os.path.getsize(node.debug_log)
        conn.send_message("block", p2p.msg_block(blk))
        assert_true(conn.wait_for_disconnect(10), "the peer is disconnected")

        def log_has(*needles):
            with open(node.debug_log, "rb") as f:
                f.seek(off)
                text = f.read().decode(errors="replace")
            return all(n in text for n in needles)
        wait_until(lambda: log_has("bad-reserve-commitment", "Misbehaving", "Disconnecting and discouraging"),
                   what="the peer punished for a bad commitment")
        assert_equal(node.getbestblockhash(), tip)
        node.generatetoaddress(1, MINER.p2wpkh_address())
        wait_for_tip([node, self.peer])
        # BIP 152 lets node0 push a block to a high-bandwidth peer after its
        # header checks and before connecting it (the RPC submissions above
        # did so): node1 may know the header, but only as invalid.
        tips = {t["hash"]: t["status"] for t in self.peer.getchaintips()}
        assert_true(tips.get(blk.hash, "invalid") == "invalid", "node1 never accepts the bad block")
        assert_equal(self.peer.getbestblockhash(), node.getbestblockhash())
        self.record()
        log("a peer sending a block with a bad commitment is punished; node1 never accepts the block")


if __name__ == "__main__":
    IssuanceChainTest().main()
