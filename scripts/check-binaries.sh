#!/bin/sh
# The release binaries in dist/ as built, every row of scripts/targets.tsv: static (no
# interpreter, no shared library), within its size budget, its .sha256 file true, the ones
# this machine runs started, and the ones it cannot run read by our own reading of their
# formats (CPU, executable type, linked libraries or imported DLLs, minimum macOS, the arm64
# signature: scripts/binaries.py); the dependency list each carries (cargo auditable) against
# `cargo tree` for its target; the universal macOS file too.
#
#   scripts/check-binaries.sh        (after scripts/release.sh)
set -eu
cd "$(dirname "$0")/.."
. scripts/targets.sh
for t in $(targets); do
    bin=dist/$t/docker-credential-ecr-login
    case "$(target_field "$t" check)" in
        elf)
            if readelf -l "$bin" | grep -q INTERP || readelf -d "$bin" | grep -q NEEDED; then
                echo "$bin is not statically linked" >&2
                exit 1
            fi
            echo "$bin: static" ;;
        windows/*)
            bin=$bin.exe
            python3 scripts/binaries.py check "$bin" windows "$(target_field "$t" check | cut -d/ -f2)" ;;
        darwin/*)
            python3 scripts/binaries.py check "$bin" darwin "$(target_field "$t" check | cut -d/ -f2)" ;;
    esac
    # The dependency list cargo auditable linked in: every crate it was built from, no other.
    python3 scripts/binaries.py check-deps "$bin" "$(target_field "$t" triple)"
    size=$(wc -c < "$bin")
    budget=$(($(target_field "$t" budget) * 1024))
    echo "$bin: $size bytes (budget $budget)"
    [ "$size" -le "$budget" ] || { echo "$bin is over its budget of $budget bytes" >&2; exit 1; }
    case "$(target_field "$t" runner)" in
        native) "$bin" -v ;;
        qemu-user)
            qemu=qemu-$(target_field "$t" triple | cut -d- -f1)-static
            command -v "$qemu" > /dev/null || scripts/cross-setup.sh
            "$qemu" "$bin" -v ;;
    esac
done
python3 scripts/binaries.py check dist/darwin-universal/docker-credential-ecr-login darwin universal
python3 scripts/binaries.py check-deps dist/darwin-universal/docker-credential-ecr-login "$(target_field darwin-arm64 triple)"
(cd dist && for f in */docker-credential-ecr-login*.sha256; do (cd "${f%/*}" && sha256sum -c --quiet "${f##*/}"); done)
echo "every binary's .sha256 matches"
