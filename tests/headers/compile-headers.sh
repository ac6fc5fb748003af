#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Compile every public header on its own, and the umbrella header, in the strictest mode a
# user might build in: C99 -pedantic or C++11 -pedantic, all warnings as errors. Each header is
# included twice (its include guard must hold) and must bring everything it needs with it.
# A last unit initialises every options struct with its MKT_X_INIT macro, so a field appended
# to a struct without its macro being extended fails here (-Wmissing-field-initializers).
# The headers are found by globbing, so a new header is covered without editing this test.
#
# Usage: compile-headers.sh c|c++ INCLUDE_DIR COMPILER [COMPILER ARGS...]
# Exit status: 0 all compile, 1 a header failed, 77 (skip) when the compiler is missing.
set -u

lang=$1 incdir=$2
shift 2
if [ $# -eq 0 ] || ! command -v "$1" >/dev/null 2>&1; then
    echo "SKIP: no $lang compiler found (install g++ to run the C++ header check)"
    exit 77
fi

case $lang in
    c)   flags="-x c -std=c99 -pedantic -Wall -Wextra -Werror -Wstrict-prototypes -Wundef -Wshadow" ;;
    c++) flags="-x c++ -std=c++11 -pedantic -Wall -Wextra -Werror -Wundef -Wshadow -Wold-style-cast" ;;
    *)   echo "unknown language '$lang'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

status=0 count=0
compile() { # $1 = name, $2 = text; the compiler command is "$@" after them
    name=$1 text=$2
    shift 2
    count=$((count + 1))
    printf '%s\n' "$text" > "$tmp/unit.src"
    # shellcheck disable=SC2086 # $flags is a list of words on purpose
    if ! "$@" $flags -I"$incdir" -fsyntax-only "$tmp/unit.src" 2> "$tmp/err" </dev/null; then
        echo "FAIL ($lang): $name"
        sed 's/^/    /' "$tmp/err"
        status=1
    fi
}

for h in "$incdir"/libmarketing.h "$incdir"/libmarketing/*.h; do
    rel=${h#"$incdir"/}
    compile "$rel alone" "#include \"$rel\"
#include \"$rel\"
int mkt_header_test_unit(void);" "$@"
done

# Every MKT_X_INIT macro initialises a mkt_x, the type named after it.
inits=$(sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}MKT_\([A-Z0-9_]*\)_INIT[[:space:]{].*/\1/p' \
    "$incdir"/libmarketing/*.h)
body=""
for m in $inits; do
    t=$(printf 'mkt_%s' "$m" | tr '[:upper:]' '[:lower:]')
    body="$body
    $t v_$t = MKT_${m}_INIT;
    (void)v_$t;"
done
compile "MKT_*_INIT initialisers ($(echo "$inits" | wc -w) macros)" "#include \"libmarketing.h\"
int mkt_header_test_unit(void);
int mkt_header_test_unit(void)
{$body
    return 0;
}" "$@"

[ $status -eq 0 ] && echo "OK ($lang): $count units compile with: $flags"
exit $status
