#!/bin/sh
# Builds the static release binaries, reproducibly (no build paths, no timestamps), into
# $DIST (default dist/) in the layout of Amazon's releases:
#
#   scripts/build-static.sh [TARGET...]     # default: every row of scripts/targets.tsv
#
# Each target's Rust triple and linker route come from that table: musl (a static executable,
# through the host's cc or musl-gcc, or the aarch64 gcc), mingw (Debian's MinGW), zig (Zig from
# PyPI, for macOS, Windows arm64 and the other musl Linux CPUs), glibc (the host's, +crt-static: the fallback; musl is the
# recommended Linux build). The binary goes to dist/TARGET/docker-credential-ecr-login (.exe
# for Windows).
#
# Each binary gets a .sha256 beside it, as Amazon's releases have, and carries its dependency
# list (cargo auditable, from crates.io: scripts/cross-setup.sh installs it). macOS and Windows
# arm64 are compiled and linked by Zig (PyPI's ziglang, through cargo-zigbuild;
# scripts/cross-setup.sh zig installs both), then made reproducible by scripts/binaries.py fix (the Mach-O UUID and the
# ad-hoc signature's page hashes; the PE link time).
#
# The standard library comes prebuilt from `rustup target add` where that works (tried once,
# with a time limit); otherwise it is compiled from its sources with -Zbuild-std, using
# Debian's toolchains and rust-src. ECR_LOGIN_STD=prebuilt or =source forces one route. Both
# need Debian's linkers (musl-gcc, aarch64 gcc with musl, mingw): scripts/cross-setup.sh
# installs them, and the sources when needed. Each build says which route it took.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=${DIST:-$top/dist}
. scripts/targets.sh
X=${CROSS_HOME:-$HOME/.cache/ecr-login-cross}
targets=${*:-$(targets)}
route=${ECR_LOGIN_STD:-auto}
mkdir -p "$out"
# The commit goes into `-v`; set it the same way for every build of one source.
ECR_LOGIN_GIT_COMMIT=${ECR_LOGIN_GIT_COMMIT:-$(git rev-parse --short=7 HEAD 2>/dev/null || true)}
export ECR_LOGIN_GIT_COMMIT

sysroot=$(rustc --print sysroot)
rust_target() { target_field "$1" triple || exit 2; }
route_of() { target_field "$1" route || exit 2; }
has_std() { ls "$sysroot/lib/rustlib/$1/lib"/libstd-* > /dev/null 2>&1; }
rustup_works=yes
need_source=no
for t in $targets; do
    rt=$(rust_target "$t")
    has_std "$rt" && continue
    if [ "$route" = auto ] && [ "$rustup_works" = yes ] && [ -z "${OFFLINE:-}" ]; then
        echo "== rustup target add $rt" >&2
        timeout 120 rustup target add "$rt" >&2 || rustup_works=no
        has_std "$rt" && continue
    fi
    [ "$route" = prebuilt ] && { echo "$rt is not installed (rustup target add $rt)" >&2; exit 1; }
    need_source=yes
done
[ "$route" = source ] && need_source=yes
zig=no cross=no
for t in $targets; do
    case "$(route_of "$t")" in
        zig) zig=yes cross=yes ;;
        musl | mingw) cross=yes ;;
    esac
done
if [ -z "${OFFLINE:-}" ]; then
    setup=""
    [ "$need_source" = no ] || setup="source"
    [ "$zig" = no ] || setup="$setup zig"
    [ "$cross" = no ] || scripts/cross-setup.sh $setup
fi
if [ "$zig" = yes ]; then
    # cargo-zigbuild and zig from their virtual environment, with their caches in ours.
    PATH=$X/zig/bin:$PATH
    ZIG_GLOBAL_CACHE_DIR=$X/zig-cache XDG_CACHE_HOME=$X/xdg-cache
    export PATH ZIG_GLOBAL_CACHE_DIR XDG_CACHE_HOME
fi
std_src="$sysroot/lib/rustlib/src/rust"

# Reproducible bytes: the dependencies (std's too) are compiled from a copy of the vendored
# sources in a private folder of this build, so two builds, or two users, never share one, and
# that folder, like the standard library's sources, is remapped in everything the compiler
# writes. The crate itself is compiled from relative paths.
work=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login-build.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
deps=$work/deps
if [ -n "${OFFLINE:-}" ]; then
    vendor=vendor                      # the source archive carries it
else
    vendor=$work/vendor
    with_std=""
    [ "$need_source" = no ] || with_std="-s $std_src/library/Cargo.toml"
    # std's workspace manifest uses a nightly cargo feature; RUSTC_BOOTSTRAP lets cargo read it.
    RUSTC_BOOTSTRAP=1 cargo vendor --locked --versioned-dirs --quiet $with_std "$vendor" > /dev/null
fi
cp -R "$vendor" "$deps"
remap="--remap-path-prefix=$deps=/deps"
# The standard library's sources get the name its prebuilt rlibs carry (/rustc/COMMIT): rustc
# swaps that name for the local rust-src path when rust-src is installed, so without this a
# build on a machine with rust-src and one without would embed different panic locations.
if [ -d "$std_src" ]; then
    std_name=/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')
    remap="$remap --remap-path-prefix=$std_src=$std_name --remap-path-prefix=$(readlink -f "$std_src")=$std_name"
fi

# cargo auditable links the crate graph into each binary (a `.dep-v0` section: scanners read it,
# scripts/binaries.py check-deps checks it); with Zig, it runs cargo-zigbuild as its cargo.
PATH=$X/auditable/bin:$PATH
export PATH
command -v cargo-auditable > /dev/null || {
    echo "cargo-auditable is not installed: scripts/cross-setup.sh installs it (cargo install --locked --root $X/auditable cargo-auditable@0.7.7)" >&2
    exit 1
}
build() { # rustflags, rustflags of the source route, then the dist names one cargo call builds
    flags=$1 source_flags=$2
    shift 2
    cargo_build="cargo auditable build"
    [ "$(route_of "$1")" != zig ] || cargo_build="env CARGO=cargo-zigbuild cargo-auditable auditable build"
    if [ "$route" != source ] && has_std "$(rust_target "$1")"; then
        how="prebuilt standard library (rustup target)"
        std=""
    else
        how="standard library built from source (-Zbuild-std, rust-src $(rustc --version | cut -d' ' -f2))"
        std="-Zbuild-std=std,panic_abort"
        flags="$flags $source_flags"
    fi
    triples=""
    for name in "$@"; do
        triples="$triples --target $(rust_target "$name")"
        echo "== $name ($(rust_target "$name")): $how" >&2
    done
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags $remap" $cargo_build --release --locked ${OFFLINE:+--offline --frozen} \
        --config 'source.crates-io.replace-with="fixed-path"' \
        --config "source.fixed-path.directory=\"$deps\"" \
        $std $triples --bin docker-credential-ecr-login
    for name in "$@"; do
        rt=$(rust_target "$name") file=docker-credential-ecr-login
        case "$rt" in *-windows-*) file=$file.exe ;; esac
        mkdir -p "$out/$name"
        cp "target/$rt/release/$file" "$out/$name/$file"
        case "$(route_of "$name")-$rt" in zig-*-linux-*) ;; zig-*) python3 scripts/binaries.py fix "$out/$name/$file" ;; esac
        (cd "$out/$name" && sha256sum "$file" > "$file.sha256")
        echo "built $out/$name/$file ($(wc -c < "$out/$name/$file") bytes)" >&2
    done
}
uses_source() { [ "$route" = source ] || ! has_std "$1"; }

# Windows: GNU ld writes the link time into the PE header unless told not to.
# musl: a static executable, not a static PIE. With a prebuilt standard library rustc links
# its own crt and libunwind (self-contained) through the host's cc (for arm64, the aarch64 gcc);
# with one built here, Debian's musl and LLVM libunwind are linked instead.
static="-C target-feature=+crt-static -C relocation-model=static"
# GNU ld places the functions a cache hit runs together, and the read-only data it reads
# (scripts/hot-code.sh wrote the lists; scripts/hot-link.sh names the data for each link): a
# hit then faults in a few 64 KiB windows instead of twenty-five.
hot="-C link-arg=-Wl,-T,$top/scripts/hot-code.ld"
zig_linux="" zig_linux_source=""
for t in $targets; do
    rt=$(rust_target "$t")
    arch=${rt%%-*}
    # The variables cargo and cc read name the triple: CC_x86_64_unknown_linux_musl, ...
    tl=$(echo "$rt" | tr '-' '_')
    tu=$(echo "$tl" | tr 'a-z' 'A-Z')
    case "$(route_of "$t")" in
        musl)
            case "$arch" in
                x86_64) cc=musl-gcc linker=cc source_linker=musl-gcc ar="" ;;
                aarch64)
                    cc=$X/aarch64-linux-musl-gcc linker=aarch64-linux-gnu-gcc
                    source_linker=$X/aarch64-linux-musl-gcc ar=aarch64-linux-gnu-ar ;;
                *) echo "$t: no musl linker for $arch here" >&2; exit 2 ;;
            esac
            uses_source "$rt" && linker=$source_linker
            (
                export "CC_$tl=$cc" "CARGO_TARGET_${tu}_LINKER=$top/scripts/hot-link.sh" "HOT_LINKER=$linker"
                [ -z "$ar" ] || export "AR_$tl=$ar"
                build "$static $hot -C link-arg=-Wl,-Map=$work/$t.map" "-C link-self-contained=no -L native=$X/unwind/$arch" "$t"
            )
            # A list that no longer names what a hit runs costs faults, not correctness: say so.
            placed=$(awk '/^\.text\.hot /{on=1; next} on && /^\.[a-z]/{exit} on && /^ \.text\./{n++} END{print n+0}' "$work/$t.map")
            listed=$(grep -c '^    \*(' scripts/hot-code.ld)
            echo "$t: $placed of the $listed functions of scripts/hot-code.ld placed first" >&2
            [ -z "${HOT_CODE_KEEP:-}" ] || cp "$work/$t.map" "$HOT_CODE_KEEP/$t.map" # for scripts/hot-code.sh
            data=$(awk '/^\.rodata\.hot /{on=1; next} on && /^\.[a-z]/{exit} on && /^ \.rodata/{n++} END{print n+0}' "$work/$t.map")
            echo "$t: $data sections of read-only data placed first (scripts/hot-data.txt)" >&2
            [ $((placed * 4)) -ge $((listed * 3)) ] \
                || echo "$t: scripts/hot-code.ld names many functions this build lacks: run scripts/hot-code.sh" >&2 ;;
        mingw)
            (
                export "CC_$tl=$arch-w64-mingw32-gcc" "CARGO_TARGET_${tu}_LINKER=$arch-w64-mingw32-gcc"
                build "-C target-feature=+crt-static -C link-arg=-Wl,--no-insert-timestamp" "-C link-self-contained=no" "$t"
            ) ;;
        zig)
            case "$rt" in
                *-windows-*) build "-C target-feature=+crt-static" "" "$t" ;;
                *-apple-darwin)
                    # The deployment target is Rust's own minimum (zig would write its newest);
                    # dead_strip drops libiconv and libcharset, which the libc crate names and
                    # nothing uses.
                    case "$arch" in x86_64) macos=10.12 ;; *) macos=11.0 ;; esac
                    MACOSX_DEPLOYMENT_TARGET=$macos build "-C link-arg=-Wl,-dead_strip_dylibs" "" "$t" ;;
                *-linux-musl*)
                    # Debian has no musl linker for these CPUs; Zig carries musl for each. Built
                    # together below: one cargo call keeps both cores busy while one target links.
                    if uses_source "$rt"; then zig_linux_source="$zig_linux_source $t"; else zig_linux="$zig_linux $t"; fi ;;
                *) echo "$t: no zig route for $rt here" >&2; exit 2 ;;
            esac ;;
        glibc) build "-C target-feature=+crt-static" "" "$t" ;;
    esac
done
# A static executable, as on the musl route, with Zig's musl and libunwind.
[ -z "$zig_linux" ] || build "$static" "-C link-self-contained=no" $zig_linux
[ -z "$zig_linux_source" ] || build "$static" "-C link-self-contained=no" $zig_linux_source
