#!/usr/bin/env python3
"""Writes the seed corpus of the loader fuzzer (Fuzz/Sources/FuzzLoader): one bundle per
scenario — its YAML, then each CSV it references after a line `--- file NAME.csv` — with the
references rewritten to the flat names the fuzzer's temporary folder uses.

    bundle.py OUT_DIR SCENARIO.yaml...

A scenario whose `extends` names another file is bundled with its parent's keys merged in by
hand? No: `extends` cannot be followed inside one bundle, so such files are bundled as they
are (the loader then reports the missing parent, which is itself a path worth fuzzing).
Standard library only.
"""
import hashlib
import os
import re
import sys

REF = re.compile(r"(file:\s*)([^\s,}\"']+\.csv)")


def flat(path):
    return re.sub(r"[^a-z0-9_.-]", "_", path.lower()).lstrip(".")[-40:]


def bundle(yaml_path):
    base = os.path.dirname(yaml_path)
    text = open(yaml_path, encoding="utf-8").read()
    files = []

    def swap(match):
        ref = match.group(2)
        name = flat(ref)
        if not name.endswith(".csv"):
            name += ".csv"
        full = os.path.join(base, ref)
        if os.path.exists(full) and name not in [n for n, _ in files]:
            files.append((name, open(full, encoding="utf-8").read()))
        return match.group(1) + name

    text = REF.sub(swap, text)
    out = text.rstrip("\n") + "\n"
    for name, contents in files[:8]:
        out += f"--- file {name}\n" + contents.rstrip("\n") + "\n"
    return out


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        data = bundle(path).encode("utf-8")
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
