#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Embed data/offer.rng into the library as the NUL-terminated array mkt__offer_rng, so the
# schema the library validates with is byte for byte the one installed beside it. Bytes, not a
# string literal: the schema is longer than the 4095 bytes ISO C promises for a literal.
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src, 'rb') as f:
    data = f.read() + b'\0'
out = ['/* Generated from data/offer.rng by lib/offer/xml-embed.py; do not edit. */',
       'const char mkt__offer_rng[] = {']
for i in range(0, len(data), 16):
    out.append('    ' + ', '.join(str(b) for b in data[i:i + 16]) + ',')
out.append('};')
with open(dst, 'w', encoding='utf-8') as f:
    f.write('\n'.join(out) + '\n')
