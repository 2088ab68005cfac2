#!/usr/bin/env python3
"""Tests for contrib/check-deps.py (and the layer table reader contrib/layers.py).

A small fixture: a two-layer layout (low/ below high/), C files compiled with
the system compiler into libhm_low.a and libhm_high.a in a scratch
directory, and a build fragment. The check passes on the right dependency
and fails, naming the symbol, on a deliberately wrong one (the lower layer
calling up), on an outside library the layer does not list, on a library
the table does not list and on a library built from another folder. Run by
qa/run_tests.py; exits 0 if every case passes."""
import importlib.util
import io
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SRCDIR = os.environ.get("HASHMINT_SRCDIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CHECK_DEPS = load("check_deps", os.path.join(SRCDIR, "contrib", "check-deps.py"))
LAYERS = load("layers", os.path.join(SRCDIR, "contrib", "layers.py"))

LAYOUT = """# fixture

| folder | library | may use | what lives there |
| --- | --- | --- | --- |
| `low/` | `libhm_low.a` | libc | the bottom |
| `high/` | `libhm_high.a` | `low`, LevelDB | the top |
| `prog/` | | everything | programs |
"""


class Fixture:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="check-deps-")
        self.build = os.path.join(self.dir, "build")
        os.makedirs(self.build)
        with open(os.path.join(self.dir, "layout.md"), "w") as f:
            f.write(LAYOUT)

    def library(self, name, sources):
        """Compiles {file: C text} into build/<name> (a static library)."""
        objs = []
        for fname, text in sources.items():
            c = os.path.join(self.dir, fname)
            with open(c, "w") as f:
                f.write(text)
            o = c[:-2] + ".o"
            subprocess.run([os.environ.get("CC", "cc"), "-c", "-o", o, c], check=True)
            objs.append(o)
        lib = os.path.join(self.build, name)
        if os.path.exists(lib):
            os.unlink(lib)
        subprocess.run(["ar", "cr", lib] + objs, check=True)

    def check(self, srcdir=None):
        argv = ["--builddir", self.build, "--layout", os.path.join(self.dir, "layout.md")]
        if srcdir:
            argv += ["--srcdir", srcdir]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = CHECK_DEPS.main(argv)
        return rc, out.getvalue()

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


LOW_OK = "int low_value(void) { return 1; }\n"
HIGH_OK = "int low_value(void);\nint high_value(void) { return low_value() + 1; }\n"


class CheckDepsTests(unittest.TestCase):
    def setUp(self):
        self.f = Fixture()

    def tearDown(self):
        self.f.close()

    def test_allowed_dependency_passes(self):
        self.f.library("libhm_low.a", {"low.c": LOW_OK})
        self.f.library("libhm_high.a", {"high.c": HIGH_OK})
        rc, out = self.f.check()
        self.assertEqual(rc, 0, out)
        self.assertIn("check-deps: 2 libraries, 0 violations", out)

    def test_lower_layer_calling_up_fails(self):
        # The deliberately wrong dependency: low/ needs a symbol of high/.
        self.f.library("libhm_low.a", {"low.c": "int high_value(void);\nint low_value(void) { return high_value(); }\n"})
        self.f.library("libhm_high.a", {"high.c": HIGH_OK})
        rc, out = self.f.check()
        self.assertEqual(rc, 1, out)
        self.assertIn("libhm_low.a (low/) needs libhm_high.a (high/)", out)
        self.assertIn("high_value", out)

    def test_unlisted_outside_library_fails(self):
        self.f.library("libhm_low.a", {"low.c": "void *leveldb_open(void);\nvoid *low_db(void) { return leveldb_open(); }\n"})
        self.f.library("libhm_high.a", {"high.c": "void *leveldb_open(void);\nvoid *high_db(void) { return leveldb_open(); }\n"})
        rc, out = self.f.check()
        self.assertEqual(rc, 1, out)
        self.assertIn("libhm_low.a (low/) needs LevelDB", out)
        self.assertNotIn("libhm_high.a (high/) needs", out)  # listed for high/

    def test_unlisted_library_fails(self):
        self.f.library("libhm_low.a", {"low.c": LOW_OK})
        self.f.library("libhm_extra.a", {"extra.c": "int extra_value(void) { return 3; }\n"})
        rc, out = self.f.check()
        self.assertEqual(rc, 1, out)
        self.assertIn("libhm_extra.a: no layer of doc/layout.md lists this library", out)

    def test_library_built_from_another_folder_fails(self):
        self.f.library("libhm_low.a", {"low.c": LOW_OK})
        src = os.path.join(self.f.dir, "src")
        os.makedirs(os.path.join(src, "low"))
        os.makedirs(os.path.join(src, "high"))
        with open(os.path.join(src, "Makefile.am"), "w") as fh:
            fh.write("libhm_low_a_SOURCES =\nlibhm_high_a_SOURCES =\n")
        with open(os.path.join(src, "low", "low.mk"), "w") as fh:
            fh.write("libhm_low_a_SOURCES += low/low.c \\\n  high/glue.c\n")
        with open(os.path.join(src, "high", "high.mk"), "w") as fh:
            fh.write("libhm_high_a_SOURCES += high/high.c\nlibhm_low_a_SOURCES += low/more.c\n")
        rc, out = self.f.check(srcdir=src)
        self.assertEqual(rc, 1, out)
        self.assertIn("low/low.mk:1: libhm_low.a is built from low/ only, not high/glue.c", out)
        self.assertIn("high/high.mk:2: libhm_low.a's sources are listed outside low/", out)
        self.assertNotIn("high/high.mk:1", out)


class LayerTableTests(unittest.TestCase):
    def test_fixture_table(self):
        d = tempfile.mkdtemp(prefix="layers-")
        try:
            p = os.path.join(d, "layout.md")
            with open(p, "w") as f:
                f.write(LAYOUT)
            t = LAYERS.read_layers(p)
            self.assertEqual(t["high"].uses, {"low"})
            self.assertEqual(t["high"].externals, {"LevelDB"})
            self.assertEqual(t["low"].library, "libhm_low.a")
            self.assertTrue(t["prog"].unrestricted)
            with open(p, "w") as f:
                f.write(LAYOUT.replace("`low`, LevelDB", "`nowhere`"))
            with self.assertRaises(ValueError):
                LAYERS.read_layers(p)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_project_table(self):
        # One list per layer, in one place: rpc's allowed layers come from doc/layout.md.
        t = LAYERS.read_layers(os.path.join(SRCDIR, "doc", "layout.md"))
        self.assertIn("net", t["src/rpc"].uses)
        self.assertIn("src/chain", t["src/rpc"].uses)
        self.assertNotIn("src/chain", t["net"].uses)
        for layer in t.values():
            if not layer.unrestricted:
                self.assertTrue(layer.library, layer.folder)


if __name__ == "__main__":
    unittest.main(verbosity=2)
