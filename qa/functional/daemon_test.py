#!/usr/bin/env python3
"""hashmintd itself: options, config file, data directory lock, signals, daemon mode.

- -help lists every option group and the required options with defaults;
- unknown options, positional arguments, conflicting chain options, bad
  values and config-file errors exit 1 with Core's message on stderr;
- a regtest node answers RPC through the cookie (uptime, help, getrpcinfo,
  getzmqnotifications), writes its pid file and debug.log;
- a second node on the same data directory fails with the lock error;
- SIGTERM and SIGINT stop the node cleanly (exit 0, cookie and pid removed);
  SIGHUP reopens debug.log;
- hashmint.conf sections: [regtest] applies on regtest, [test] does not,
  the command line overrides the file, includeconf works;
- -daemon detaches and the parent's exit code reports start-up;
- -blocknotify runs its command for new tips;
- a corrupted chainstate database stops start-up with exit 1 and a -reindex
  hint; -reindex recovers the same tip.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HASHMINTD, HashmintTestFramework, JSONRPCException, RPCClient, TestFailure,  # noqa: E402
                       assert_equal, assert_greater_than_or_equal, assert_in, assert_not_in,
                       assert_raises_rpc_error, assert_true, free_port, log, wait_until)


def run_hashmintd(args, timeout=30):
    p = subprocess.run([HASHMINTD] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


HELP_GROUPS = ["Options:", "Connection options:", "Debugging/Testing options:", "Chain selection options:",
               "Node relay options:", "Block creation options:", "RPC server options:",
               "ZeroMQ notification options:"]
HELP_OPTIONS = ["-datadir=<dir>", "-conf=<file>", "-chain=<chain>", "-regtest", "-testnet", "-daemon", "-pid=<file>",
                "-printtoconsole", "-debug=<category>", "-dbcache=<n>", "-par=<n>", "-loadblock=<file>", "-reindex",
                "-reindex-chainstate", "-txindex", "-blocknotify=<cmd>", "-maxmempool=<n>", "-mempoolexpiry=<n>",
                "-minrelaytxfee=<amt>", "-rpcbind=", "-rpcallowip=<ip>", "-rpcport=<port>", "-rpcuser=<user>",
                "-rpcpassword=<pw>", "-rpcauth=<userpw>", "-rpccookiefile=<loc>", "-rpcthreads=<n>",
                "-rpcworkqueue=<n>", "-rpcservertimeout=<n>", "-rest", "-server", "-zmqpubhashblock=<address>",
                "-zmqpubhashtx=<address>", "-zmqpubrawblock=<address>", "-zmqpubrawtx=<address>",
                "-zmqpubsequence=<address>", "-zmqpubhashblockhwm=<n>", "-listen", "-connect=<ip>", "-port=<port>",
                "-bind=", "-addnode=<ip>", "-dnsseed"]


class DaemonTest(HashmintTestFramework):
    """hashmintd start-up, shutdown, options and config."""

    num_nodes = 1
    start_nodes_at_setup = False

    def run_test(self):
        self.test_help()
        self.test_bad_options()
        node = self.nodes[0]
        self.test_basic_node(node)
        self.test_lock(node)
        self.test_sighup(node)
        self.test_sigterm(node, signal.SIGTERM)
        self.test_sigterm(node, signal.SIGINT)
        self.test_config_file()
        self.test_config_long_lines()
        self.test_daemon_mode()
        self.test_blocknotify()
        self.test_corrupt_datadir()

    # ---- options ----------------------------------------------------------

    def test_help(self):
        log("-help lists every group and option with defaults")
        for flag in ("-help", "-?", "-h"):
            rc, out, err = run_hashmintd([flag])
            assert_equal(rc, 0, f"{flag} exit code")
            for g in HELP_GROUPS:
                assert_in(g, out, f"{flag} group")
        text = " ".join(out.split())  # undo the wrapping
        for o in HELP_OPTIONS:
            assert_in("  " + o, out, "-help option")
        assert_in("default: 450)", text)
        assert_in("default: 8732, testnet: 18732, regtest: 18743, bitcoin: 8332", text)
        assert_in("(default: 1000)", text)  # zmq hwm
        rc, out, _ = run_hashmintd(["-version"])
        assert_equal(rc, 0)
        assert_in("hashmintd version v", out)

    def test_bad_options(self):
        log("bad options exit 1 with a clear message")
        d = os.path.join(self.tmpdir, "bad")
        os.makedirs(d)
        cases = [
            (["-nosuchoption"], "Invalid parameter -nosuchoption"),
            (["-nosuchoption=1"], "Invalid parameter -nosuchoption=1"),
            (["getblockcount"], "unexpected token 'getblockcount'"),
            (["-regtest", "-testnet"], "Invalid combination of -regtest, -testnet and -chain"),
            (["-regtest", "-chain=main"], "Invalid combination"),
            (["-chain=nochain"], "Unknown chain nochain."),
            (["-regtest", "-dbcache=lots"], "Invalid value for -dbcache"),
            (["-regtest", "-rpcport=70000"], "Invalid port specified in -rpcport"),
            (["-regtest", "-minrelaytxfee=abc"], "Invalid amount for -minrelaytxfee"),
            (["-regtest", "-includeconf=x.conf"], "-includeconf cannot be used from commandline"),
            (["-datadir=" + os.path.join(d, "missing"), "-regtest"], "Specified data directory"),
            (["-datadir=" + d, "-regtest", "-conf=nothere.conf"], "could not be opened"),
        ]
        for args, msg in cases:
            full = args if any(a.startswith("-datadir") for a in args) else args + ["-datadir=" + d]
            rc, out, err = run_hashmintd(full)
            assert_equal(rc, 1, f"exit code for {args}")
            assert_in(msg, err, f"stderr for {args}")
            assert_true("Error" in err, f"'Error' in stderr for {args}: {err!r}")
        # a config file syntax error
        with open(os.path.join(d, "hashmint.conf"), "w") as f:
            f.write("regtest=1\nnolisten\n")
        rc, _, err = run_hashmintd(["-datadir=" + d])
        assert_equal(rc, 1)
        assert_in("parse error on line 2: nolisten", err)
        os.remove(os.path.join(d, "hashmint.conf"))
        # nothing was created in the data directory by failed starts
        assert_true(not os.path.exists(os.path.join(d, "regtest", ".cookie")), "no cookie after failed starts")

    # ---- a running node --------------------------------------------------------

    def test_basic_node(self, node):
        log("start a regtest node, RPC through the cookie")
        zport = free_port()
        node.start(extra_args=[f"-zmqpubhashblock=tcp://127.0.0.1:{zport}",
                               f"-zmqpubrawtx=tcp://127.0.0.1:{zport}", "-zmqpubrawtxhwm=50"])
        with open(node.cookie_path) as f:
            user, pw = f.read().strip().split(":", 1)
        assert_equal(user, "__cookie__")
        assert_equal(len(pw), 64)
        assert_greater_than_or_equal(node.uptime(), 0)
        h = node.help()
        for m in ("stop", "uptime", "help", "getzmqnotifications"):
            assert_in(m, h)
        info = node.getrpcinfo()
        assert_in("active_commands", info)
        notes = node.getzmqnotifications()
        assert_equal(notes, [
            {"type": "pubhashblock", "address": f"tcp://127.0.0.1:{zport}", "hwm": 1000},
            {"type": "pubrawtx", "address": f"tcp://127.0.0.1:{zport}", "hwm": 50},
        ])
        with open(os.path.join(node.chaindir, "hashmintd.pid")) as f:
            assert_equal(int(f.read().strip()), node.process.pid)
        # logged just after the RPC warm-up ends, so the RPC may answer first
        wait_until(lambda: "init message: Done loading" in node.debug_log_text(), timeout=30, what="Done loading")
        assert_true(os.path.exists(os.path.join(node.chaindir, ".lock")), ".lock exists")
        # a wrong password is refused
        bad = RPCClient("127.0.0.1", node.rpc_port, "__cookie__", "wrong")
        try:
            bad.uptime()
            raise TestFailure("wrong password accepted")
        except JSONRPCException as e:
            assert_equal(e.http_status, 401)
        assert_raises_rpc_error(-32601, "Method not found", node.call, "nosuchmethod")
        log("stop RPC: clean exit 0, cookie and pid file removed")
        node.stop()
        assert_true(not os.path.exists(node.cookie_path), "cookie removed after stop")
        assert_true(not os.path.exists(os.path.join(node.chaindir, "hashmintd.pid")), "pid file removed")
        assert_in("Shutdown: done", node.debug_log_text())

    def test_lock(self, node):
        log("a second node on the same data directory fails on the lock")
        node.start()
        args = [a for a in node.base_args() if not a.startswith("-rpcport")] + [f"-rpcport={free_port()}"]
        rc, out, err = run_hashmintd(args)
        assert_equal(rc, 1, "second instance exit code")
        assert_in(f"Cannot obtain a lock on data directory {node.chaindir}. hashmintd is probably already running.",
                  err)
        # the first node is unaffected
        node.uptime()
        assert_true(os.path.exists(node.cookie_path), "first node's cookie survives")

    def test_sighup(self, node):
        log("SIGHUP reopens debug.log")
        moved = node.debug_log + ".old"
        os.rename(node.debug_log, moved)
        node.process.send_signal(signal.SIGHUP)
        wait_until(lambda: os.path.exists(node.debug_log), timeout=10, what="debug.log recreated")
        node.uptime()
        wait_until(lambda: "Reopened debug log" in node.debug_log_text(), timeout=10)

    def test_sigterm(self, node, sig):
        name = "SIGTERM" if sig == signal.SIGTERM else "SIGINT"
        log(f"{name}: clean exit 0, cookie removed")
        if not node.is_running():
            node.start()
        node.process.send_signal(sig)
        node.wait_for_exit(60, expect_code=0)
        assert_true(not os.path.exists(node.cookie_path), f"cookie removed after {name}")
        assert_in(f"Received {name}", node.debug_log_text())
        assert_in("Shutdown: done", node.debug_log_text())

    # ---- config file --------------------------------------------------------------

    def test_config_file(self):
        log("hashmint.conf: sections, precedence, includeconf")
        node = self.add_node()
        conf = os.path.join(node.datadir, "hashmint.conf")
        inc = os.path.join(node.datadir, "extra.conf")
        with open(inc, "w") as f:
            f.write("rpcthreads=2\n")
        with open(conf, "w") as f:
            f.write("# hashmint.conf written by daemon_test\n"
                    "regtest=1\n"
                    "includeconf=extra.conf\n"
                    "server=1\n"
                    "rpcworkqueue=8  # comment after a value\n"
                    "unknownoption=1\n"
                    "[main]\n"
                    "rpcuser=mainuser\n"
                    "[test]\n"
                    "rpcuser=testuser\n"
                    "[regtest]\n"
                    "rpcuser=alice\n"
                    "rpcpassword=secret\n"
                    "debug=rpc\n")
        # chain comes from the file: no -regtest on the command line
        node.rpc_user, node.rpc_password, node.use_cookie = "alice", "secret", False
        node.chain_args = lambda: []
        node.start()
        assert_greater_than_or_equal(node.uptime(), 0)
        assert_true(not os.path.exists(node.cookie_path), "no cookie with -rpcpassword")
        log_text = node.debug_log_text()
        assert_in("Chain: regtest", log_text)
        assert_in("Ignoring unknown configuration value unknownoption", log_text)
        node.stop()
        # command line beats the file: a different password
        node.rpc_password = "other"
        node.start()
        node.uptime()
        node.stop()
        # -chain=test on the command line conflicts with regtest=1 in the file
        node.rpc_password = "secret"
        rc, _, err = run_hashmintd([f"-datadir={node.datadir}", "-chain=test"])
        assert_equal(rc, 1)
        assert_in("Invalid combination", err)

    def test_config_long_lines(self):
        log("hashmint.conf: a long comment cannot inject an option; an over-long line names its line")
        node = self.add_node()
        conf = os.path.join(node.datadir, "hashmint.conf")
        # The tail of this comment starts at byte 4095, where a 4096-byte line
        # buffer used to split it into a line of its own.
        with open(conf, "w") as f:
            f.write("#" + "x" * 4094 + "rpcpassword=injected\n"
                    "# " + "y" * 70000 + "\n")
        node.start()  # through the cookie: no rpcpassword was set
        assert_true(os.path.exists(node.cookie_path), "cookie written: rpcpassword stayed unset")
        status, _, _ = RPCClient("127.0.0.1", node.rpc_port, "", "injected").raw('{"method":"uptime"}')
        assert_equal(status, 401, "the injected password is not accepted")
        node.stop()
        with open(conf, "w") as f:
            f.write("# " + "y" * 70000 + "\n"
                    "\n"
                    "#" + "z" * (1 << 20) + "\n")
        rc, _, err = run_hashmintd(node.base_args())
        assert_equal(rc, 1)
        assert_in("parse error on line 3: line longer than 1048576 bytes", err)
        os.remove(conf)

    # ---- -daemon ----------------------------------------------------------------------

    def test_daemon_mode(self):
        log("-daemon: parent exits 0 once the child runs; child answers RPC and stops")
        node = self.add_node()
        args = node.base_args() + ["-daemon"]
        p = subprocess.run([HASHMINTD] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        assert_equal(p.returncode, 0, f"daemon parent exit code; stderr {p.stderr!r}")
        pidfile = os.path.join(node.chaindir, "hashmintd.pid")
        wait_until(lambda: os.path.exists(pidfile), timeout=30)
        with open(pidfile) as f:
            pid = int(f.read().strip())
        with open(node.cookie_path) as f:
            user, pw = f.read().strip().split(":", 1)
        rpc = RPCClient("127.0.0.1", node.rpc_port, user, pw)
        wait_until(lambda: self._answers(rpc), timeout=60, what="daemon RPC")
        # a second daemon on the same directory: the parent reports the failure
        p2 = subprocess.run([HASHMINTD] + node.base_args() + ["-daemon"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=60)
        assert_equal(p2.returncode, 1, "second daemon's parent exit code")
        rpc.stop()
        wait_until(lambda: not self._alive(pid), timeout=60, what="daemon exit")
        assert_true(not os.path.exists(node.cookie_path), "daemon removed its cookie")

    @staticmethod
    def _answers(rpc):
        try:
            rpc.uptime()
            return True
        except (JSONRPCException, OSError):
            return False

    @staticmethod
    def _alive(pid):
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False

    # ---- -blocknotify -------------------------------------------------------------------

    def test_blocknotify(self):
        log("-blocknotify runs for each new tip")
        node = self.add_node()
        out = os.path.join(node.datadir, "notified")
        node.start(extra_args=[f"-blocknotify=echo %s >> {out}"])
        if "generatetoaddress" not in node.help():
            raise TestFailure("generatetoaddress is not available: cannot test -blocknotify")
        from framework import ADDRESS_OP_TRUE
        hashes = node.generatetoaddress(3, ADDRESS_OP_TRUE)

        def lines():
            try:
                with open(out) as f:
                    return [l.strip() for l in f if l.strip()]
            except OSError:
                return []
        wait_until(lambda: len(lines()) >= 3, timeout=30, what="3 blocknotify lines")
        assert_equal(sorted(lines()), sorted(hashes))
        node.stop()

    # ---- a corrupted data directory -------------------------------------------------------

    def test_corrupt_datadir(self):
        log("a corrupted chainstate database: exit 1 with a -reindex hint, then -reindex recovers")
        from framework import ADDRESS_OP_TRUE
        node = self.add_node()
        node.start()
        node.generatetoaddress(5, ADDRESS_OP_TRUE)
        tip = node.getbestblockhash()
        node.stop()
        with open(os.path.join(node.chaindir, "chainstate", "CURRENT"), "w") as f:
            f.write("MANIFEST-999999\n")
        err = node.assert_start_raises_init_error([], "Error:")
        assert_in("reindex", err)
        assert_true(not os.path.exists(node.cookie_path), "no cookie left after a failed start")
        assert_true(not os.path.exists(os.path.join(node.chaindir, "hashmintd.pid")), "no pid file left")
        node.start(extra_args=["-reindex"])
        wait_until(lambda: node.getblockcount() == 5, timeout=60, what="reindex back to height 5")
        assert_equal(node.getbestblockhash(), tip)
        node.stop()
        node.start()  # and a plain restart afterwards
        assert_equal(node.getblockcount(), 5)
        node.stop()


if __name__ == "__main__":
    DaemonTest().main()
