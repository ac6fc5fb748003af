#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Embed data/segments.rng into the library as the C string mkt__segments_rng, so the schema
# the library validates with is byte for byte the one installed beside it. An optional third
# argument names the variable instead (lib/journey embeds data/journey.rng with it).
import os
import sys

src, dst = sys.argv[1], sys.argv[2]
name = sys.argv[3] if len(sys.argv) > 3 else 'mkt__segments_rng'
with open(src, 'rb') as f:
    data = f.read()
lines = ['/* Generated from data/%s by lib/segment/xml-embed.py; do not edit. */'
         % os.path.basename(src),
         'const char %s[] =' % name]
if len(data) < 4000:
    for line in data.decode('utf-8').splitlines(keepends=True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
        lines.append('    "' + esc + '"')
    lines[-1] += ';'
else:
    # C11 compilers need only support string literals of 4095 bytes (-Woverlength-strings):
    # a longer schema is written as a NUL-terminated array of bytes.
    lines[-1] += ' {'
    data += b'\0'
    for i in range(0, len(data), 16):
        lines.append('    ' + ', '.join('%d' % b for b in data[i:i + 16]) + ',')
    lines.append('};')
with open(dst, 'w', encoding='utf-8') as f:
    f.write('\n'.join(lines) + '\n')
