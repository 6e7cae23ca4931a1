#!/bin/sh
# The helper against a local stand-in for ECR: no AWS account, no network beyond loopback.
set -eu
cd "$(dirname "$0")/.."
echo "demo: building the helper and the stand-in (the first build downloads and compiles the crates: a few minutes)" >&2
cargo build --bin docker-credential-ecr-login --example demo
echo "demo: built; running" >&2
cargo run --quiet --example demo -- "$(pwd)/target/debug/docker-credential-ecr-login"
