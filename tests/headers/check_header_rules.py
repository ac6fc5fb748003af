#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the public headers against the binding-friendly ABI rules of DESIGN.md section 3.

Compilers accept many things that make a C ABI hard to bind from Python (ctypes) or Go (cgo)
or unstable across compilers, so this test forbids them textually: `bool`/`_Bool`, unions,
bitfields, variadic functions, `va_list`, `inline` functions, and enum types used as field,
parameter or return types (an enum's size is up to the compiler; the API uses int32_t and
documents the enum beside it). It also checks the house layout of every header (SPDX line,
include guard, `extern "C"`), that every `MKT_X_INIT` macro has an `mkt_x_init()` function for
bindings, and that the umbrella header and the meson install list cover every module header.

Usage: check_header_rules.py INCLUDE_DIR [INSTALLED_HEADER ...]
Exit status: 0 when every rule holds, 1 otherwise (each violation printed as file:line: why).
"""

import os
import re
import sys

UMBRELLA = "libmarketing.h"
MODULE_DIR = "libmarketing"

# (regex over code with comments and strings removed, reason)
FORBIDDEN = [
    (re.compile(r"\b(bool|_Bool)\b"), "bool is not in the ABI: use int32_t 0/1"),
    (re.compile(r"#\s*include\s*[<\"]stdbool\.h[>\"]"), "stdbool.h: use int32_t 0/1"),
    (re.compile(r"\bunion\b"), "unions are not binding-friendly"),
    (re.compile(r"\bva_list\b"), "va_list is not binding-friendly"),
    (re.compile(r"#\s*include\s*[<\"]stdarg\.h[>\"]"), "stdarg.h: no variadic API"),
    (re.compile(r"\binline\b|\b__inline__\b"), "no inline functions in public headers"),
]
VARIADIC = re.compile(r"\.\.\.")
COLON = re.compile(r"(?<!:):(?!:)")
ENUM_TYPEDEF = re.compile(r"typedef\s+enum\s+\w*\s*\{.*?\}\s*(\w+)\s*;", re.S)
INIT_MACRO = re.compile(r"^\s*#\s*define\s+MKT_(\w+)_INIT\b", re.M)
FUNC_DECL = re.compile(r"\b(\w+)\s*\(")


def strip_comments_and_strings(text, keep_strings=False):
    """Blank out comments and (unless keep_strings) string/char literals, keeping newlines
    so that line numbers stay right."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'" and not keep_strings:
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def logical_lines(code):
    """Yield (first line number, text, is_preprocessor) with backslash continuations joined."""
    lines = code.split("\n")
    i = 0
    while i < len(lines):
        start, text = i + 1, lines[i]
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1] + " " + lines[i]
        yield start, text, text.lstrip().startswith("#")
        i += 1


def check_code(path, code, errors):
    for lineno, text, is_pp in logical_lines(code):
        for rx, why in FORBIDDEN:
            if rx.search(text):
                errors.append(f"{path}:{lineno}: {why}")
        if is_pp:
            continue
        if VARIADIC.search(text):
            errors.append(f"{path}:{lineno}: variadic function: not binding-friendly")
        colon = COLON.search(text)
        if colon and "?" not in text[: colon.start()]:
            errors.append(f"{path}:{lineno}: ':' outside a macro (a bitfield?): not ABI-stable")


def check_enum_usage(sources, errors):
    """An enum typedef name may only appear in its own definition, in any header."""
    names = set()
    blanked = {}
    for path, (_, code) in sources.items():
        names.update(m.group(1) for m in ENUM_TYPEDEF.finditer(code))
        blanked[path] = ENUM_TYPEDEF.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)
    if not names:
        return
    use_rx = re.compile(r"\b(%s)\b" % "|".join(sorted(names)))
    for path, code in blanked.items():
        for use in use_rx.finditer(code):
            lineno = code.count("\n", 0, use.start()) + 1
            errors.append(f"{path}:{lineno}: enum type '{use.group(1)}' used as a type: its size "
                          "is compiler-defined; use int32_t and name the enum in the comment")


def check_layout(path, raw, code, is_umbrella, errors):
    if not raw.startswith("/* SPDX-License-Identifier: MIT */"):
        errors.append(f"{path}:1: first line must be '/* SPDX-License-Identifier: MIT */'")
    directives = re.findall(r"^\s*#\s*(\w+)\s*(\w*)", code, re.M)
    if len(directives) < 2 or directives[0][0] != "ifndef" or directives[1] != ("define", directives[0][1]):
        errors.append(f"{path}: missing include guard (#ifndef X / #define X first)")
    if not is_umbrella and FUNC_DECL.search(re.sub(r"^\s*#.*$", "", code, flags=re.M)):
        if not re.search(r'#\s*ifdef\s+__cplusplus\s*\n\s*extern\s+"C"\s*\{', raw):
            errors.append(f'{path}: declares functions but has no #ifdef __cplusplus extern "C" {{')


def check_init_functions(path, code, all_code, errors):
    """Bindings cannot use macros: MKT_X_INIT needs mkt_x_init()."""
    for match in INIT_MACRO.finditer(code):
        func = "mkt_%s_init" % match.group(1).lower()
        if not re.search(r"\b%s\s*\(" % func, all_code):
            lineno = code.count("\n", 0, match.start()) + 1
            errors.append(f"{path}:{lineno}: MKT_{match.group(1)}_INIT has no {func}() for bindings")


def check_coverage(incdir, modules, installed, errors):
    umbrella_path = os.path.join(incdir, UMBRELLA)
    with open(umbrella_path, encoding="utf-8") as f:
        umbrella = strip_comments_and_strings(f.read(), keep_strings=True)
    included = set(re.findall(r'#\s*include\s*"libmarketing/([\w.-]+\.h)"', umbrella))
    others = re.findall(r"#\s*include\s*([<\"][^>\"]+[>\"])", umbrella)
    for inc in others:
        if not inc.startswith('"libmarketing/'):
            errors.append(f"{umbrella_path}: includes {inc}: the umbrella includes module headers only")
    for name in sorted(set(modules) - included):
        errors.append(f"{umbrella_path}: does not include libmarketing/{name}")
    for name in sorted(included - set(modules)):
        errors.append(f"{umbrella_path}: includes libmarketing/{name}, which does not exist")
    if installed:
        names = {os.path.basename(p) for p in installed}
        for name in sorted(set(modules) - names):
            errors.append(f"include/meson.build: libmarketing/{name} is not in mkt_public_headers "
                          "(it would not be installed)")


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    incdir, installed = argv[1], argv[2:]
    moddir = os.path.join(incdir, MODULE_DIR)
    modules = sorted(n for n in os.listdir(moddir) if n.endswith(".h"))
    paths = [os.path.join(incdir, UMBRELLA)] + [os.path.join(moddir, n) for n in modules]
    errors = []
    sources = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        sources[path] = (raw, strip_comments_and_strings(raw))
    all_code = "\n".join(code for _, code in sources.values())
    for path, (raw, code) in sources.items():
        is_umbrella = path.endswith(os.sep + UMBRELLA)
        check_code(path, code, errors)
        check_layout(path, raw, code, is_umbrella, errors)
        check_init_functions(path, code, all_code, errors)
    check_enum_usage(sources, errors)
    check_coverage(incdir, modules, installed, errors)
    for e in errors:
        print(e)
    print(f"checked {len(paths)} public headers: "
          + ("all ABI rules hold" if not errors else f"{len(errors)} violation(s)"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
