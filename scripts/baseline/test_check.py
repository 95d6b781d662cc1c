#!/usr/bin/env python3
"""Tests of `build.py --check` on the committed baseline (run by scripts/test).

1. The committed files pass.
2. The check fails when a fixed corridor flow is not reproduced: a copy of the checkout whose
   base_trade.csv moves 1 % of Canada's refined nickel from the US to the rest of the world (mass
   balance still holds: the US's use is unchanged) must fail, naming that cell.
3. The check fails when the README's data-quality table no longer matches the data.

Python 3 standard library only; about a second.
"""

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.path.join(HERE, "build.py")


def run_check(root):
    p = subprocess.run([sys.executable, BUILD, "--check", "--root", root], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def copy_checkout(dst):
    shutil.copytree(os.path.join(REPO, "Scenarios", "data"), os.path.join(dst, "Scenarios", "data"))
    shutil.copy(os.path.join(REPO, "README.md"), os.path.join(dst, "README.md"))


def move_nickel(path, fraction):
    """Move `fraction` of CA->US refined nickel to ROW->US, and the same quantity of Canada's
    nickel from the US to ROW (CA->ROW) and of ROW's own supply back (ROW->ROW), so every row
    and column sum is unchanged."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    idx = {(r[0], r[1], r[2]): i for i, r in enumerate(rows[1:], start=1)}
    q = float(rows[idx[("ni_refined", "CA", "US")]][3]) * fraction
    for key, sign in ((("ni_refined", "CA", "US"), -1), (("ni_refined", "ROW", "US"), 1),
                      (("ni_refined", "CA", "ROW"), 1), (("ni_refined", "ROW", "ROW"), -1)):
        row = rows[idx[key]]
        row[3] = repr(float(row[3]) + sign * q)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())


def main():
    failures = []
    rc, out = run_check(REPO)
    if rc != 0:
        failures.append("the committed files fail the check:\n" + out[-3000:])
    with tempfile.TemporaryDirectory() as tmp:
        copy_checkout(tmp)
        move_nickel(os.path.join(tmp, "Scenarios", "data", "base_trade.csv"), 0.01)
        rc, out = run_check(tmp)
        if rc == 0 or "FAIL CA -> US" not in out:
            failures.append("a 1 % change of the fixed CA->US nickel flow was not caught (rc %d)" % rc)
        if "ALL CHECKS PASSED" not in out:
            failures.append("the tampered copy should still pass the mass-balance checks:\n" + out[-2000:])
    with tempfile.TemporaryDirectory() as tmp:
        copy_checkout(tmp)
        readme = os.path.join(tmp, "README.md")
        with open(readme, encoding="utf-8") as fh:
            text = fh.read()
        marker = "<!-- data-quality:start -->\n"
        assert marker in text
        with open(readme, "w", encoding="utf-8") as fh:
            fh.write(text.replace(marker, marker + "| stale row |\n"))
        rc, out = run_check(tmp)
        if rc == 0 or "STALE: the data-quality table" not in out:
            failures.append("a stale README data-quality table was not caught (rc %d)" % rc)
    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(1)
    print("build.py --check: committed files pass; a moved corridor flow and a stale README table fail (3 tests)")


if __name__ == "__main__":
    main()
