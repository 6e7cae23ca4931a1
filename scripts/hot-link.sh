#!/bin/sh
# The linker of the musl Linux builds (scripts/build-static.sh sets it for cargo): the real one,
# $HOT_LINKER, with one more linker script that places the read-only data a cache hit reads
# first (scripts/hot-data.txt, written by scripts/hot-code.sh). Its anonymous constants are
# named by what they hold, so their names in this link are looked up in the objects about to
# be linked; this is the one moment those objects exist. The script goes beside the output.
set -eu
: "${HOT_LINKER:?the real linker}"
here=$(cd "$(dirname "$0")" && pwd)
out="" objects="" previous=""
for arg in "$@"; do
    [ "$previous" != -o ] || out=$arg
    case "$arg" in *.rcgu.o) objects="$objects $arg" ;; esac
    previous=$arg
done
[ -n "$out" ] || exec "$HOT_LINKER" "$@"
# scripts/hot-code.sh reads the anonymous constants of these objects, which rustc deletes.
# shellcheck disable=SC2086 # the objects' paths are rustc's and hold no spaces
[ -z "${HOT_CODE_KEEP:-}" ] || cp $objects "$HOT_CODE_KEEP/"
# shellcheck disable=SC2086 # the objects' paths are rustc's and hold no spaces
python3 "$here/hot_code.py" script "$here/hot-data.txt" $objects > "$out.hot-data.ld"
exec "$HOT_LINKER" "$@" "-Wl,-T,$out.hot-data.ld"
