#!/bin/sh
# Builds the static release binaries, reproducibly (no build paths, no timestamps), into
# $DIST (default dist/) in the layout of Amazon's releases:
#
#   scripts/build-static.sh [TARGET...]     # default: all seven
#
#   linux-amd64        x86_64-unknown-linux-musl    dist/linux-amd64/docker-credential-ecr-login
#   linux-arm64        aarch64-unknown-linux-musl   dist/linux-arm64/docker-credential-ecr-login
#   windows-amd64      x86_64-pc-windows-gnu        dist/windows-amd64/docker-credential-ecr-login.exe
#   windows-arm64      aarch64-pc-windows-gnullvm   dist/windows-arm64/docker-credential-ecr-login.exe
#   darwin-amd64       x86_64-apple-darwin          dist/darwin-amd64/docker-credential-ecr-login
#   darwin-arm64       aarch64-apple-darwin         dist/darwin-arm64/docker-credential-ecr-login
#   linux-amd64-glibc  x86_64-unknown-linux-gnu     dist/linux-amd64-glibc/docker-credential-ecr-login
#                      (glibc with +crt-static: the fallback; musl is the recommended build)
#
# Each binary gets a .sha256 beside it, as Amazon's releases have. macOS and Windows arm64 are
# compiled and linked by Zig (PyPI's ziglang, through cargo-zigbuild; scripts/cross-setup.sh zig
# installs both), then made reproducible by scripts/binaries.py fix (the Mach-O UUID and the
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
X=${CROSS_HOME:-$HOME/.cache/ecr-login-cross}
targets=${*:-linux-amd64 linux-arm64 windows-amd64 windows-arm64 darwin-amd64 darwin-arm64 linux-amd64-glibc}
route=${ECR_LOGIN_STD:-auto}
mkdir -p "$out"
# The commit goes into `-v`; set it the same way for every build of one source.
ECR_LOGIN_GIT_COMMIT=${ECR_LOGIN_GIT_COMMIT:-$(git rev-parse --short=7 HEAD 2>/dev/null || true)}
export ECR_LOGIN_GIT_COMMIT

sysroot=$(rustc --print sysroot)
rust_target() {
    case "$1" in
        linux-amd64) echo x86_64-unknown-linux-musl ;;
        linux-arm64) echo aarch64-unknown-linux-musl ;;
        windows-amd64) echo x86_64-pc-windows-gnu ;;
        windows-arm64) echo aarch64-pc-windows-gnullvm ;;
        darwin-amd64) echo x86_64-apple-darwin ;;
        darwin-arm64) echo aarch64-apple-darwin ;;
        linux-amd64-glibc) echo x86_64-unknown-linux-gnu ;;
        *) echo "unknown target $1 (linux-amd64, linux-arm64, windows-amd64, windows-arm64, darwin-amd64, darwin-arm64, linux-amd64-glibc)" >&2; exit 2 ;;
    esac
}
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
zig=no
case " $targets " in *" windows-arm64 "*|*" darwin-"*) zig=yes ;; esac
if [ -z "${OFFLINE:-}" ]; then
    setup=""
    [ "$need_source" = no ] || setup="source"
    [ "$zig" = no ] || setup="$setup zig"
    case " $targets " in
        *" linux-amd64 "*|*" linux-arm64 "*|*" windows-amd64 "*|*" windows-arm64 "*|*" darwin-"*)
            scripts/cross-setup.sh $setup ;;
    esac
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

build() { # dist name, rust target, file name, rustflags, rustflags of the source route
    name=$1 rt=$2 file=$3 flags=$4 cargo_build="cargo build"
    case "$name" in windows-arm64|darwin-*) cargo_build="cargo zigbuild" ;; esac
    if [ "$route" != source ] && has_std "$rt"; then
        how="prebuilt standard library (rustup target)"
        std=""
    else
        how="standard library built from source (-Zbuild-std, rust-src $(rustc --version | cut -d' ' -f2))"
        std="-Zbuild-std=std,panic_abort"
        flags="$flags $5"
    fi
    echo "== $name ($rt): $how" >&2
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags $remap" $cargo_build --release --locked ${OFFLINE:+--offline --frozen} \
        --config 'source.crates-io.replace-with="fixed-path"' \
        --config "source.fixed-path.directory=\"$deps\"" \
        $std --target "$rt" --bin docker-credential-ecr-login
    mkdir -p "$out/$name"
    cp "target/$rt/release/$file" "$out/$name/$file"
    case "$name" in windows-arm64|darwin-*) python3 scripts/binaries.py fix "$out/$name/$file" ;; esac
    (cd "$out/$name" && sha256sum "$file" > "$file.sha256")
    echo "built $out/$name/$file ($(wc -c < "$out/$name/$file") bytes)" >&2
}
uses_source() { [ "$route" = source ] || ! has_std "$1"; }

# Windows: GNU ld writes the link time into the PE header unless told not to.
# musl: a static executable, not a static PIE. With a prebuilt standard library rustc links
# its own crt and libunwind (self-contained) through the host's cc (for arm64, the aarch64 gcc);
# with one built here, Debian's musl and LLVM libunwind are linked instead.
static="-C target-feature=+crt-static -C relocation-model=static"
for t in $targets; do
    rt=$(rust_target "$t")
    case "$t" in
        linux-amd64)
            linker=cc
            uses_source "$rt" && linker=musl-gcc
            CC_x86_64_unknown_linux_musl=musl-gcc CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=$linker \
                build linux-amd64 "$rt" docker-credential-ecr-login \
                "$static" "-C link-self-contained=no -L native=$X/unwind/x86_64" ;;
        linux-arm64)
            linker=aarch64-linux-gnu-gcc
            uses_source "$rt" && linker=$X/aarch64-linux-musl-gcc
            CC_aarch64_unknown_linux_musl=$X/aarch64-linux-musl-gcc AR_aarch64_unknown_linux_musl=aarch64-linux-gnu-ar \
                CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=$linker \
                build linux-arm64 "$rt" docker-credential-ecr-login \
                "$static" "-C link-self-contained=no -L native=$X/unwind/aarch64" ;;
        windows-amd64)
            CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
                build windows-amd64 "$rt" docker-credential-ecr-login.exe \
                "-C target-feature=+crt-static -C link-arg=-Wl,--no-insert-timestamp" "-C link-self-contained=no" ;;
        windows-arm64)
            build windows-arm64 "$rt" docker-credential-ecr-login.exe "-C target-feature=+crt-static" "" ;;
        darwin-amd64)
            # The deployment target is Rust's own minimum (zig would write its newest); dead_strip
            # drops libiconv and libcharset, which the libc crate names and nothing uses.
            MACOSX_DEPLOYMENT_TARGET=10.12 build darwin-amd64 "$rt" docker-credential-ecr-login "-C link-arg=-Wl,-dead_strip_dylibs" "" ;;
        darwin-arm64)
            MACOSX_DEPLOYMENT_TARGET=11.0 build darwin-arm64 "$rt" docker-credential-ecr-login "-C link-arg=-Wl,-dead_strip_dylibs" "" ;;
        linux-amd64-glibc)
            build linux-amd64-glibc "$rt" docker-credential-ecr-login "-C target-feature=+crt-static" "" ;;
    esac
done
