#!/usr/bin/env python3
"""Helpers for multi-node P2P tests (used with framework.py's TestNode)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import JSONRPCException, wait_until  # noqa: E402


def p2p_addr(node):
    """The loopback address a node listens on (start it with p2p_listen_args)."""
    return f"127.0.0.1:{node.p2p_port}"


def p2p_listen_args():
    """Arguments that make a node accept P2P connections on loopback only."""
    return ["-listen=1", "-bind=127.0.0.1"]


def connect_args(*nodes):
    """Arguments that make a node connect (only) to the given nodes at start."""
    return [f"-connect={p2p_addr(n)}" for n in nodes]


def peer_count(node):
    try:
        return node.getconnectioncount()
    except JSONRPCException:
        return None


def connect_nodes(a, b, timeout=30):
    """Makes node a open an outbound connection to b (addnode onetry) and waits
    until both see the link. b must listen (p2p_listen_args)."""
    before_b = len(b.getpeerinfo())
    a.addnode(p2p_addr(b), "onetry")
    wait_until(lambda: len(b.getpeerinfo()) > before_b, timeout=timeout, what="connection")


def wait_for_tip(nodes, tip=None, timeout=120):
    """Waits until every node's best block is `tip` (default: nodes[0]'s)."""
    want = tip or nodes[0].getbestblockhash()
    wait_until(lambda: all(n.getbestblockhash() == want for n in nodes), timeout=timeout,
               what=f"all nodes at {want[:16]}")
    return want
