#!/bin/sh
# Runs every fuzz target for SECONDS (default 10) each, one after the other, starting from
# the committed seeds. cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable
# toolchain of these machines provide them.
#   scripts/fuzz.sh          # a smoke run, as CI does
#   scripts/fuzz.sh 600      # ten minutes per target
set -eu
cd "$(dirname "$0")/../fuzz"
seconds=${1:-10}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
mkdir -p seeds/config_parser
# The scenarios' config files seed the config parser.
i=0
for f in ../tests/scenarios/*/home/.aws/*; do
    [ -f "$f" ] || continue
    i=$((i + 1)); cp "$f" "seeds/config_parser/scenario-$i"
done
for target in $(cargo fuzz list); do
    mkdir -p "corpus/$target"
    cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null || true
    echo "== $target, $seconds s"
    cargo fuzz run -O "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 \
        | grep -E '^(#[0-9]+.*DONE|Done|==[0-9]+==|SUMMARY)|panicked|Test unit written' || true
    if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
        echo "fuzz target $target found a crash: see fuzz/artifacts/$target" >&2
        exit 1
    fi
done
echo "fuzz: all targets ran without a crash"
