# SPDX-License-Identifier: GPL-2.0-or-later
"""Small harness for the tshark integration tests.

Stages the built plugin in a scratch personal plugin folder, runs tshark with
it (as an unprivileged user when run as root, because tshark ignores personal
plugin folders for root), and counts results.  Each test module ends with a
'N passed, N failed, N skipped' line.

The staging and the unprivileged run are the Python twin of stage_plugin and
as_user in tools/lib.sh (the shell scripts' one copy): keep the two alike.

Installed mode (--installed SO, CMake option FTPLENS_TEST_INSTALLED, used by
tools/test-package.sh): the same tests against the plugin a package or a global
install put at SO (Wireshark's global plugin folder): nothing is staged, tshark
runs as the current user (root in the package test) without WIRESHARK_PLUGIN_DIR,
and the setup check asks that tshark loads SO itself.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

SEP = "\x1e"   # occurrence aggregator: never in FTP text (controls are shown as '.')


# Quick mode (CI): captures whose name contains one of these comma-separated words are left out of the
# variant campaigns (equivalence, loss), loudly; tools/test.sh alone runs them all.
QUICK_SKIP = [w for w in os.environ.get("FTPLENS_QUICK_SKIP", "").split(",") if w]


def quick_skipped(name):
    return any(w in os.path.basename(name) for w in QUICK_SKIP)


# What tshark prints on stderr whenever it runs as root (installed mode as root): Wireshark's notice, not
# ftplens's, dropped by Env.clean_stderr so that the tests' "nothing on stderr" checks hold in both modes.
ROOT_NOTICE = re.compile(r'^Running as user "[^"\n]*" and group "[^"\n]*"\. This could be dangerous\.\n', re.M)


class Skip(Exception):
    pass


class Env:
    def __init__(self, argv=None):
        ap = argparse.ArgumentParser()
        which = ap.add_mutually_exclusive_group(required=True)
        which.add_argument("--plugin", help="the built ftplens.so, staged in a scratch plugin folder")
        which.add_argument("--installed", metavar="SO",
                           help="test the installed plugin: tshark must load this ftplens.so of the global folder")
        ap.add_argument("--ws-version", required=True)
        ap.add_argument("--pcaps", required=True)
        ap.add_argument("--shared", required=True)
        ap.add_argument("-k", dest="only", default=None, help="run tests whose name contains this")
        self.args = ap.parse_args(argv)
        self.pcaps = os.path.abspath(self.args.pcaps)
        self.public = os.path.join(os.path.abspath(self.args.shared), "pcaps", "public")
        self.home = tempfile.mkdtemp(prefix="ftplens-home-")
        self.installed = self.args.installed is not None
        self.prefix = []
        if self.installed:
            # The plugin under test: SO itself; plugin_dir is the global folder it is loaded from
            # (<plugins>/<major.minor>/epan/ftplens.so), for a test that passes it on to a tool.
            self.staged = os.path.abspath(self.args.installed)
            self.plugin_dir = os.path.dirname(os.path.dirname(os.path.dirname(self.staged)))
            os.chmod(self.home, 0o755)
            return
        # WIRESHARK_PLUGIN_DIR replaces the global plugin folder, so an ftplens
        # installed there by tools/demo.sh can never shadow the build under test.
        self.plugin_dir = os.path.join(self.home, "plugins")
        epan = os.path.join(self.plugin_dir, self.args.ws_version, "epan")
        os.makedirs(epan)
        self.staged = os.path.join(epan, "ftplens.so")
        shutil.copy(self.args.plugin, self.staged)
        if os.geteuid() == 0:
            os.chmod(self.home, 0o755)
            for root, dirs, files in os.walk(self.home):
                for d in dirs + files:
                    os.chown(os.path.join(root, d), 65534, 65534)
            os.chown(self.home, 65534, 65534)
            self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def own(self, name):
        return os.path.join(self.pcaps, name)

    def public_pcap(self, name):
        p = os.path.join(self.public, name)
        if not os.path.exists(p):
            raise Skip("SKIPPED LOUDLY: %s is absent (../shared/pcaps/public not beside the repository)" % p)
        return p

    def public_all(self):
        if not os.path.isdir(self.public):
            raise Skip("SKIPPED LOUDLY: %s is absent" % self.public)
        return sorted(os.path.join(self.public, f) for f in os.listdir(self.public)
                      if f.endswith((".pcap", ".pcapng", ".pcap.gz")))

    def public_all_or_none(self):
        """The public captures, or none (said loudly) when ../shared is absent: the own ones are still tested."""
        try:
            return self.public_all()
        except Skip as e:
            print("  %s" % e)
            return []

    def tshark_env(self):
        """The environment of every tshark run (with self.prefix in front): the scratch HOME, and the
        staged plugin folder unless the installed plugin is tested."""
        env = {"HOME": self.home, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL": "C.UTF-8"}
        if not self.installed:
            env["WIRESHARK_PLUGIN_DIR"] = self.plugin_dir
        return env

    def tshark_cmd(self, args):
        """The command line of a tshark run with ARGS, as env.tshark makes it."""
        return self.prefix + ["env"] + ["%s=%s" % kv for kv in self.tshark_env().items()] + ["tshark"] + args

    @staticmethod
    def clean_stderr(err):
        """tshark's stderr without the notice it prints when run as root."""
        return ROOT_NOTICE.sub("", err)

    def tshark(self, args, check=True):
        p = subprocess.run(self.tshark_cmd(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        out, err = p.stdout.decode("utf-8", "replace"), self.clean_stderr(p.stderr.decode("utf-8", "replace"))
        if check and (p.returncode != 0 or "Dissector bug, protocol" in out + err):
            raise AssertionError("tshark %s failed (%d): %s" % (" ".join(args), p.returncode, err[-2000:]))
        return out, err

    def fields(self, pcap, fields, dfilter=None, two_pass=False, opts=()):
        """Rows as dicts field -> list of occurrences, keyed by frame number."""
        args = ["-r", pcap, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + SEP]
        if two_pass:
            args.append("-2")
        for o in opts:
            args += o if isinstance(o, list) else ["-o", o]
        if dfilter:
            args += ["-Y", dfilter]
        names = ["frame.number"] + [f for f in fields if f != "frame.number"]
        for f in names:
            args += ["-e", f]
        out, _ = self.tshark(args)
        rows = {}
        for line in out.split("\n"):
            if not line:
                continue
            cols = line.split("\t")
            cols += [""] * (len(names) - len(cols))
            row = {n: (c.split(SEP) if c != "" else []) for n, c in zip(names, cols)}
            rows[int(row["frame.number"][0])] = row
        return rows


def run(tests, argv=None):
    env = Env(argv)
    out, _ = env.tshark(["-G", "plugins"])
    loaded = [l for l in out.split("\n") if l.startswith("ftplens.so")]
    if len(loaded) != 1 or env.staged not in loaded[0]:
        print("FAIL setup: tshark did not load the %s plugin %s: %r"
              % ("installed" if env.installed else "staged", env.staged, loaded))
        print("0 passed, 1 failed, 0 skipped")
        return 1
    passed = failed = skipped = 0
    try:
        for t in tests:
            if env.args.only and env.args.only not in t.__name__:
                continue
            try:
                t(env)
                passed += 1
                print("PASS %s" % t.__name__)
            except Skip as e:
                skipped += 1
                print("SKIP %s: %s" % (t.__name__, e))
            except Exception:
                failed += 1
                print("FAIL %s" % t.__name__)
                traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
    finally:
        env.cleanup()
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


def eq(actual, expected, what=""):
    if actual == expected:
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        for k in sorted(set(actual) | set(expected), key=str):
            if actual.get(k) != expected.get(k):
                raise AssertionError("%s: first difference at %r: expected %r, got %r"
                                     % (what, k, expected.get(k), actual.get(k)))
    raise AssertionError("%s: expected %.500r, got %.500r" % (what, expected, actual))
