#!/usr/bin/env bash
# Writes scripts/hot-code.ld and scripts/hot-data.txt, which scripts/build-static.sh gives the
# linker of the musl Linux builds: the functions a cache hit runs and the read-only data it
# reads, each gathered at the start of its segment.
#
#   scripts/hot-code.sh        # after a change to what a hit runs; needs valgrind
#
# Why: on a page fault in a file-backed mapping the kernel maps up to 64 KiB of the file around
# it (fault-around). Left where the linker puts them, the ~150 KB of functions a hit runs are
# spread over 1.5 MB of code and the ~50 KB of data it reads over 0.5 MB; gathered, a hit
# faults in 3 windows of code and 1 of data (scripts/bench.sh counts the faults).
#
# How: the release build of linux-amd64 (scripts/build-static.sh, its link map and objects
# kept) answers a hit under lackey (every instruction it runs, every address it loads);
# scripts/hot_code.py finds the input sections those fall in, in the link map, and
# writes the lists (see there: what changes between builds is left open, LLVM's anonymous
# constants are named by what they hold). Whatever a list no longer names is merely placed with
# the rest: a stale list costs faults, never correctness; scripts/build-static.sh says how many
# functions it placed and scripts/hot-link.sh how many constants it found.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { apt-get update -qq && apt-get install -y -qq valgrind > /dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The release build itself (names differ in any other: inlining, the copies LTO keeps), with
# its link map and its objects kept.
mkdir "$work/keep"
DIST=$work/dist HOT_CODE_KEEP=$work/keep scripts/build-static.sh linux-amd64
bin=$work/dist/linux-amd64/docker-credential-ecr-login
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
    # Every instruction a hit runs and every address it loads from: lackey traces each one.
    valgrind --tool=lackey --trace-mem=yes --log-file="$work/trace" "$bin" get < "$work/host" > /dev/null
)
exec {STANDIN[1]}>&-
python3 scripts/hot_code.py write "$work/trace" "$work/keep/linux-amd64.map" "$work/keep" scripts/hot-code.ld scripts/hot-data.txt
