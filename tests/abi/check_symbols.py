#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check what libmarketing exports against lib/libmarketing.sym (the version script).

The version script is the list of the ABI: a function that is exported but not listed, listed
but not exported, or listed in the wrong release node is a mistake someone will pay for later.
Checks:
- every symbol `nm -D --defined-only` shows on the shared library is in the map, starts with
  `mkt_` (not the internal `mkt__`), and carries the version of the node that lists it;
- every name the map lists is exported; no name is listed twice; names are sorted within
  each node; wildcards appear only as `local: *;` in the first node;
- every global symbol the static archive defines starts with `mkt_` (so static linking cannot
  collide with the host's names);
- the SONAME is the expected one, and the core library does not link SQLite.

Usage: check_symbols.py NM READELF MAP SHARED_LIB STATIC_LIB SONAME
Exit status: 0 when all hold, 1 otherwise (each problem on its own line).
"""

import re
import subprocess
import sys

NODE = re.compile(r"([A-Za-z_][\w.]*)\s*\{(.*?)\}\s*([A-Za-z_][\w.]*)?\s*;", re.S)


def run(cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", "") or ""
        sys.exit(f"cannot run {' '.join(cmd)}: {e} {err.strip()}")


def parse_map(path, errors):
    """Return ({name: node}, [node names]) from a GNU ld version script."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"#[^\n]*", " ", text)
    listed, nodes = {}, []
    for node_match in NODE.finditer(text):
        node, body = node_match.group(1), node_match.group(2)
        nodes.append(node)
        section, names = None, []
        for token in re.findall(r"[^\s;]+:|[^\s;]+", body):
            if token.endswith(":"):
                section = token[:-1]
                continue
            if section == "local":
                if token != "*" or len(nodes) > 1:
                    errors.append(f"{path}: node {node}: unexpected local entry '{token}' "
                                  "(only 'local: *;' in the first node)")
                continue
            if section != "global":
                errors.append(f"{path}: node {node}: entry '{token}' outside global:/local:")
                continue
            if any(c in token for c in "*?[]"):
                errors.append(f"{path}: node {node}: wildcard '{token}' in global: exports "
                              "whatever matches; list names one by one")
                continue
            if token in listed:
                errors.append(f"{path}: {token} listed twice (nodes {listed[token]} and {node})")
            listed[token] = node
            names.append(token)
        for prev, cur in zip(names, names[1:]):
            if cur < prev:
                errors.append(f"{path}: node {node}: '{cur}' should come before '{prev}' "
                              "(keep each node sorted)")
    if not nodes:
        errors.append(f"{path}: no version node found")
    return listed, nodes


def dynamic_exports(nm, lib):
    """{name: version} of the defined dynamic symbols, without the version-node markers."""
    exported = {}
    for line in run([nm, "-D", "--defined-only", lib]).splitlines():
        parts = line.split()
        if len(parts) < 3 or parts[1] == "A":  # 'A' entries are the version nodes themselves
            continue
        name, _, version = parts[2].partition("@")
        exported[name] = version.lstrip("@")
    return exported


def static_globals(nm, archive):
    names = set()
    for line in run([nm, "-g", "--defined-only", archive]).splitlines():
        parts = line.split()
        if len(parts) >= 3:
            names.add(parts[2])
    return names


def main(argv):
    if len(argv) != 7:
        sys.stderr.write(__doc__)
        return 2
    nm, readelf, map_path, shared, static, soname = argv[1:]
    errors = []
    listed, nodes = parse_map(map_path, errors)
    exported = dynamic_exports(nm, shared)

    for name, version in sorted(exported.items()):
        if not name.startswith("mkt_") or name.startswith("mkt__"):
            errors.append(f"exported symbol '{name}' is not public API (must start with mkt_); "
                          "is MKT_EXPORT on an internal function, or -fvisibility=hidden lost?")
        elif name not in listed:
            errors.append(f"exported symbol '{name}' is missing from {map_path}")
        elif version != listed[name]:
            errors.append(f"'{name}' has version '{version}' but {map_path} lists it in "
                          f"{listed[name]}")
    for name, node in sorted(listed.items()):
        if name not in exported:
            errors.append(f"{map_path}: '{name}' ({node}) is not exported: no definition with "
                          "MKT_EXPORT in the library (misspelt, or not written yet?)")

    for name in sorted(static_globals(nm, static)):
        # Names starting with "__" belong to the toolchain (sanitizer and profiling runtimes).
        if not name.startswith("mkt_") and not name.startswith("__"):
            errors.append(f"static library defines global '{name}': prefix it mkt__ "
                          "(internal) or make it static, or it may clash with the host's names")

    dynamic = run([readelf, "-d", shared])
    found = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", dynamic)
    if found != [soname]:
        errors.append(f"{shared}: SONAME is {found or 'missing'}, expected {soname}")
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    for lib in needed:
        if lib.startswith("libsqlite3"):
            errors.append(f"{shared}: links {lib}: the core library must never link SQLite")

    for e in errors:
        print(e)
    print(f"{len(exported)} exported symbols, {len(listed)} listed in {len(nodes)} node(s) "
          f"({', '.join(nodes)}), SONAME {', '.join(found) or '-'}: "
          + ("OK" if not errors else f"{len(errors)} problem(s)"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
