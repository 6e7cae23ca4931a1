#!/bin/sh
# The helper against a local stand-in for ECR: no AWS account, no network beyond loopback.
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet --bin docker-credential-ecr-login
cargo run --quiet --example demo -- "$(pwd)/target/debug/docker-credential-ecr-login"
