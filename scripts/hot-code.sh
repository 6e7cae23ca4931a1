#!/usr/bin/env bash
# Writes scripts/hot-code.ld, which scripts/build-static.sh gives the linker of the musl Linux
# builds: the functions a cache hit runs, gathered at the start of the code.
#
#   scripts/hot-code.sh        # after a change to what a hit runs; needs valgrind
#
# Why: on a page fault in a file-backed mapping the kernel maps up to 64 KiB of the file around
# it (fault-around). Left where the linker puts them, the ~150 KB of functions a hit runs are
# spread over 1.5 MB of code, and a hit takes a fault in 20 of its 64 KiB windows; gathered,
# in 3 or 4 (scripts/bench.sh counts the faults).
#
# How: a release build with its symbols (same flags, not stripped) answers a hit under
# callgrind; every function it ran becomes one line of a linker script that GNU ld (and lld)
# place in an output section of their own before `.text`. Rust's functions are matched by
# their mangled names with the hashes left open (v0's crate disambiguators `Cs*_`, legacy's
# `17h*E`): those change with the compiler and the crate's version, the names do not. A function the list no longer names is merely placed
# with the rest, so a stale list costs faults, never correctness.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
out=scripts/hot-code.ld
triple=x86_64-unknown-linux-musl
command -v valgrind > /dev/null || { apt-get update -qq && apt-get install -y -qq valgrind > /dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The musl route's flags (scripts/build-static.sh), without the list itself and without strip;
# RUSTC_BOOTSTRAP as there, which also makes rustc mangle names as nightly does (v0).
RUSTC_BOOTSTRAP=1 CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR="$work/target" \
    RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" \
    CC_x86_64_unknown_linux_musl=musl-gcc CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=cc \
    cargo build -q --release --locked --target "$triple" --bin docker-credential-ecr-login
bin=$work/target/$triple/release/docker-credential-ecr-login
cargo build -q --release --example standin
coproc STANDIN { exec target/release/examples/standin; }
read -r url <&"${STANDIN[0]}"
printf %s 123456789012.dkr.ecr.eu-west-1.amazonaws.com > "$work/host"
(
    unset AWS_CA_BUNDLE
    export HOME=$work/home AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
    export AWS_ENDPOINT_URL_ECR="$url" AWS_EC2_METADATA_DISABLED=true AWS_REGION=eu-west-1
    mkdir -p "$HOME"
    "$bin" get < "$work/host" > /dev/null     # a miss fills the cache
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/hit.out" "$bin" get < "$work/host" > /dev/null 2> "$work/valgrind.log"
)
exec {STANDIN[1]}>&-
nm --defined-only "$bin" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u > "$work/functions"
python3 - "$work/hit.out" "$work/functions" "$top/$out" <<'PY'
import re, sys
hit, functions, out = sys.argv[1:]
defined = set(open(functions).read().split())
names, seen = [], set()
for line in open(hit):
    m = re.match(r"^c?fn=\(\d+\)(?: (\S+))?", line)   # callgrind names a function once, then by number
    if m and m.group(1) and m.group(1) in defined and m.group(1) not in seen:
        seen.add(m.group(1))
        names.append(m.group(1))
if len(names) < 100:
    sys.exit(f"hot-code: only {len(names)} functions found in a hit; is this the right binary?")
# The hashes that change with the compiler, the crate's version or its source left open: a
# legacy name's 17h<hash>E, a v0 name's crate disambiguators (Cs<hash>_).
patterns = sorted({re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", re.sub(r"17h[0-9a-f]{16}E$", "17h*E", n)) for n in names})
with open(out, "w") as f:
    f.write("/* The functions a cache hit runs, first in the code: written by scripts/hot-code.sh, read by\n"
            "   scripts/build-static.sh (the musl Linux builds). Rust's hashes are left open (Cs*_, 17h*E). */\n"
            "SECTIONS\n{\n  .text.hot :\n  {\n")
    for p in patterns:
        f.write(f"    *(.text.{p})\n")
    f.write("  }\n}\nINSERT BEFORE .text;\n")
print(f"hot-code: {len(names)} functions of a hit, {len(patterns)} patterns -> {out}")
PY
