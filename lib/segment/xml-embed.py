#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Embed data/segments.rng into the library as the C string mkt__segments_rng, so the schema
# the library validates with is byte for byte the one installed beside it.
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src, 'rb') as f:
    data = f.read()
lines = ['/* Generated from data/segments.rng by lib/segment/xml-embed.py; do not edit. */',
         'const char mkt__segments_rng[] =']
for line in data.decode('utf-8').splitlines(keepends=True):
    esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    lines.append('    "' + esc + '"')
lines[-1] += ';'
with open(dst, 'w', encoding='utf-8') as f:
    f.write('\n'.join(lines) + '\n')
