#!/bin/sh
# Runs every fuzz target for SECONDS (default 10) each, one after the other, starting from
# the committed seeds. cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable
# toolchain of these machines provide them. Then every target is fed inputs of about 1 MiB
# that make a quadratic parser slow, each with a 10 s bound.
#   scripts/fuzz.sh          # a smoke run, as CI does
#   scripts/fuzz.sh 600      # ten minutes per target
set -eu
cd "$(dirname "$0")/../fuzz"
seconds=${1:-10}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
# The built targets are run directly: `cargo fuzz run` rebuilds the crate (twice) on every call.
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"
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
    mkdir -p "artifacts/$target"
    echo "== $target, $seconds s"
    "$bin_dir/$target" -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" \
        -rss_limit_mb=2048 "corpus/$target" 2>&1 \
        | grep -E '^(#[0-9]+.*DONE|Done|==[0-9]+==|SUMMARY)|panicked|Test unit written' || true
    if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
        echo "fuzz target $target found a crash: see fuzz/artifacts/$target" >&2
        exit 1
    fi
done
# The slow-input check: every target gets inputs of about 1 MiB (the largest body any parser
# sees is capped there) made of the one byte that drives a parser's inner loop (a run of `&`
# with one `;`, of `<`, of `[`, of `{`, of `"`, of `\`, of `=`, of newlines), and each must be
# done within 10 s. A parser that searches from every position (quadratic) takes minutes.
slow=$(mktemp -d) logs=$(mktemp -d)
trap 'rm -rf "$slow" "$logs"' EXIT
for byte in '&' '<' '[' '{' '"' '\\' '=' '%' 'a'; do
    head -c 1048000 /dev/zero | tr '\0' "$byte" > "$slow/run-$(printf %s "$byte" | od -An -tx1 | tr -d ' ')"
done
head -c 1048000 /dev/zero | tr '\0' '\n' > "$slow/newlines"
{ printf '<Message>'; head -c 1048000 /dev/zero | tr '\0' '&'; printf ';</Message>'; } > "$slow/sts-ampersands"
for target in $(cargo fuzz list); do
    echo "== $target, slow inputs"
    if ! "$bin_dir/$target" -artifact_prefix="artifacts/$target/" -runs=0 -timeout=10 \
        -max_len=1100000 -rss_limit_mb=2048 "$slow" > "$logs/$target.log" 2>&1; then
        grep -E 'timeout|panicked|SUMMARY|ERROR' "$logs/$target.log" >&2 || tail -5 "$logs/$target.log" >&2
        echo "fuzz target $target: an input of about 1 MiB took more than 10 s or crashed" >&2
        exit 1
    fi
done
echo "fuzz: all targets ran without a crash, and every slow input finished within 10 s"
