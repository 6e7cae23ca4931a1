#!/bin/sh
# The release binaries in dist/ as built, every row of scripts/targets.tsv, read by our own
# reading of their formats (scripts/binaries.py: CPU and ABI, executable type, static for
# Linux, linked libraries or imported DLLs, minimum macOS, the arm64 signature), within its size
# budget, its .sha256 file true, and the ones this machine runs (natively or under qemu-user,
# on the row's CPU) started; the dependency list each carries (cargo auditable) against
# `cargo tree` for its target; the universal macOS file too.
#
#   scripts/check-binaries.sh        (after scripts/release.sh)
set -eu
cd "$(dirname "$0")/.."
. scripts/targets.sh
for t in $(targets); do
    bin=dist/$t/docker-credential-ecr-login
    case "$(target_field "$t" check)" in
        windows/*) bin=$bin.exe ;;
    esac
    python3 scripts/binaries.py check "$bin" "$(target_field "$t" check | cut -d/ -f1)" "$(target_field "$t" check | cut -d/ -f2)"
    # The dependency list cargo auditable linked in: every crate it was built from, no other.
    python3 scripts/binaries.py check-deps "$bin" "$(target_field "$t" triple)"
    size=$(wc -c < "$bin")
    budget=$(($(target_field "$t" budget) * 1024))
    echo "$bin: $size bytes (budget $budget)"
    [ "$size" -le "$budget" ] || { echo "$bin is over its budget of $budget bytes" >&2; exit 1; }
    case "$(target_field "$t" runner)" in
        native) "$bin" -v ;;
        qemu-user)
            qemu=$(qemu_of "$t")
            command -v "${qemu%% *}" > /dev/null || scripts/cross-setup.sh
            $qemu "$bin" -v ;;
    esac
done
python3 scripts/binaries.py check dist/darwin-universal/docker-credential-ecr-login darwin universal
python3 scripts/binaries.py check-deps dist/darwin-universal/docker-credential-ecr-login "$(target_field darwin-arm64 triple)"
(cd dist && for f in */docker-credential-ecr-login*.sha256; do (cd "${f%/*}" && sha256sum -c --quiet "${f##*/}"); done)
echo "every binary's .sha256 matches"
