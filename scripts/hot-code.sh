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
# How: a release build with its symbols and a link map (same flags, not stripped) answers a hit
# under callgrind; the input section of every function it ran (and the object of any assembly
# it ran) becomes one line of a linker script that GNU ld (and lld) place in an output section
# of their own before `.text`. Names are matched with what changes between builds left open
# (see `pattern` below): the compiler's and the crate's hashes, LLVM's suffixes. A function the
# list no longer names is merely placed with the rest: a stale list costs faults, never
# correctness; scripts/build-static.sh says how many it placed.
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
    RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static -C link-arg=-Wl,-Map=$work/link.map" \
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
    # --show-below-main: musl's start-up (__libc_start_main) by its own name, not "(below main)".
    valgrind --tool=callgrind --demangle=no --show-below-main=yes --callgrind-out-file="$work/hit.out" "$bin" get < "$work/host" > /dev/null 2> "$work/valgrind.log"
)
exec {STANDIN[1]}>&-
nm --defined-only "$bin" | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }' > "$work/functions"
python3 - "$work/hit.out" "$work/functions" "$work/link.map" "$top/$out" <<'PY'
import re, sys
hit, functions, link_map, out = sys.argv[1:]
address = {name: int(a, 16) for a, name in (line.split() for line in open(functions))}
ran = set()
for line in open(hit):
    m = re.match(r"^c?fn=\(\d+\)(?: (\S+))?", line)   # callgrind names a function once, then by number
    if m and m.group(1) in address:
        ran.add(address[m.group(1)])
# The input section each one came from, by address (the link map): a section is named after the
# function's definition, which callgrind may call by an alias (getauxval for __getauxval).
sections, lines = [], open(link_map).read().split("\n")
for i, line in enumerate(lines):
    m = re.match(r"^ (\.text\.\S+)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+))?", line)
    if m and not m.group(2) and i + 1 < len(lines):   # a long name: its address on the next line
        m = re.match(r"^ (\S+)\n\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line + "\n" + lines[i + 1])
    if m and m.group(2):
        sections.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1)[len(".text."):]))
    # Assembly keeps its code in one plain .text per object (musl's memcpy, ring's SHA-256):
    # named by its file, the archive's and member's hashes left open.
    m = re.match(r"^ \.text\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", line)
    if m and int(m.group(2), 16):
        path = m.group(3)
        a = re.match(r"^(.*)\((.*)\)$", path)
        archive, member = (a.group(1), a.group(2)) if a else (None, path)
        glob = "*" + re.sub(r"-[0-9a-f]{16}\.rlib$", "-*.rlib", archive.rsplit("/", 1)[-1]) + ":" if archive else "*"
        glob += re.sub(r"^[0-9a-f]{16}-", "*-", member.rsplit("/", 1)[-1])
        sections.append((int(m.group(1), 16), int(m.group(2), 16), (glob,)))
hit_sections = {name for start, size, name in sections if any(start <= a < start + size for a in ran)}
names = sorted(n for n in hit_sections if isinstance(n, str))
objects = sorted(n[0] for n in hit_sections if isinstance(n, tuple))
if len(names) < 100:
    sys.exit(f"hot-code: only {len(names)} functions found in a hit; is this the right binary?")
# What changes with the compiler, the crate's version or where its sources are left open: a
# legacy name's 17h<hash>E, a v0 name's crate disambiguators (Cs<hash>_), the number LLVM
# appends to a local copy (.<n>), and the crate a generic function was instantiated for (LTO
# keeps one of identical copies, not always the same crate's).
def pattern(name):
    if name.startswith("_R"):   # the last crate, when it ends the name: Cs<hash>_<length><name>
        for m in re.finditer(r"Cs[0-9A-Za-z]+_([0-9]+)", name):
            if m.end() + int(m.group(1)) == len(name):
                name = name[:m.start()] + "*"
                break
    name = re.sub(r"17h[0-9a-f]{16}E$", "17h*E", name)
    name = re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", name)
    return re.sub(r"\.[0-9]+$", ".*", name)
patterns = sorted({pattern(n) for n in names})
with open(out, "w") as f:
    f.write("/* The functions a cache hit runs, first in the code: written by scripts/hot-code.sh, read by\n"
            "   scripts/build-static.sh (the musl Linux builds). Rust's hashes are left open (Cs*_, 17h*E). */\n"
            "SECTIONS\n{\n  .text.hot :\n  {\n")
    for o in objects:
        f.write(f"    {o}(.text)\n")
    for p in patterns:
        f.write(f"    *(.text.{p})\n")
    f.write("  }\n}\nINSERT BEFORE .text;\n")
print(f"hot-code: {len(names)} functions and {len(objects)} objects' code of a hit, {len(patterns)} patterns -> {out}")
PY
