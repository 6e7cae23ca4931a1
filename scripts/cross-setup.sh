#!/bin/sh
# Prepares this machine to build (and run) the release targets when `rustup target add` cannot
# download them: Debian's musl and mingw toolchains, the standard library's sources of exactly
# this compiler's version (Debian's rust-src), LLVM's libunwind for musl, and, with `wine`, a
# Debian trixie root with Wine 10 to run the Windows binary (with `wine-arm64`, an arm64 trixie
# root with arm64 Wine, under qemu-user, for the Windows arm64 binary). Idempotent; keeps its files in
# $CROSS_HOME (default ~/.cache/ecr-login-cross). Always: cargo-auditable (crates.io), which
# writes each release binary's dependency list into it. Needs root for apt, chroot and mounts.
#
#   scripts/cross-setup.sh                # linkers for linux-amd64, linux-arm64, windows-amd64
#   scripts/cross-setup.sh source         # and the standard library's sources, libunwind
#   scripts/cross-setup.sh source wine    # and Wine, for running the Windows tests
#   scripts/cross-setup.sh wine-arm64     # arm64 Wine under qemu-user, for the Windows arm64 tests
#   scripts/cross-setup.sh zig            # and Zig with cargo-zigbuild (PyPI), for macOS and Windows arm64
#   scripts/cross-setup.sh wine-stop      # stops the wineservers that `wine`, `wine-arm64` leave running
set -eu
X=${CROSS_HOME:-$HOME/.cache/ecr-login-cross}
want_source=no want_wine=no want_wine_arm64=no want_zig=no
for a in "$@"; do
    case "$a" in
        source) want_source=yes ;;
        wine) want_wine=yes ;;
        wine-arm64) want_wine_arm64=yes ;;
        zig) want_zig=yes ;;
        wine-stop)
            for root in "$X/trixie" "$X/trixie-arm64"; do
                [ -x "$root/usr/lib/wine/wineserver" ] || continue
                chroot "$root" /usr/bin/env QEMU_CPU=cortex-a72 WINEPREFIX=/root/wineprefix XDG_RUNTIME_DIR=/run/wine-xdg \
                    /usr/lib/wine/wineserver -k 2> /dev/null || true
            done
            exit 0 ;;
        *) echo "usage: scripts/cross-setup.sh [source] [wine] [wine-arm64] [zig] | wine-stop" >&2; exit 2 ;;
    esac
done
mkdir -p "$X"
export DEBIAN_FRONTEND=noninteractive
say() { echo "cross-setup: $*" >&2; }

missing=""
for p in musl-tools libunwind-16-dev gcc-aarch64-linux-gnu gcc-mingw-w64-x86-64 qemu-user-static; do
    dpkg -s "$p" > /dev/null 2>&1 || missing="$missing $p"
done
if ! dpkg -s musl-dev:arm64 > /dev/null 2>&1; then
    dpkg --add-architecture arm64
    missing="$missing musl-dev:arm64"
fi
if [ -n "$missing" ]; then
    say "installing$missing"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing > /dev/null
fi

# A private apt state for the one suite that has rust-src of recent versions; the machine's own
# apt sources and lists stay untouched.
private_apt() { # tool (apt-get or apt-cache), suite, then its arguments
    tool=$1 suite=$2; shift 2
    mkdir -p "$X/apt/$suite/lists/partial" "$X/apt/$suite/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        > "$X/apt/$suite/sources.list"
    $tool -qq -o Dir::Etc::sourcelist="$X/apt/$suite/sources.list" -o Dir::Etc::sourceparts=/nonexistent \
        -o Dir::State::Lists="$X/apt/$suite/lists" -o Dir::Cache="$X/apt/$suite/cache" \
        -o APT::Sandbox::User=root "$@"
}

# Programs of the other Linux CPUs of the release run through qemu-user by themselves
# (binfmt_misc), also inside a chroot that holds nothing else: Debian's registrations have the F
# flag, which opens qemu once, here.
for cpu in aarch64 arm ppc64le s390x riscv64; do
    [ -d /proc/sys/fs/binfmt_misc ] && [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$cpu" ] || continue
    [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2> /dev/null || true
    [ -e /proc/sys/fs/binfmt_misc/register ] && cat "/usr/lib/binfmt.d/qemu-$cpu.conf" > /proc/sys/fs/binfmt_misc/register 2> /dev/null \
        || say "could not register qemu-$cpu with binfmt_misc; run its programs as qemu-$cpu-static PROGRAM"
done

# cargo auditable (crates.io, pinned): every release binary carries its dependency list.
if ! cargo install --list --root "$X/auditable" 2> /dev/null | grep -q "^cargo-auditable v0.7.7:"; then
    say "installing cargo-auditable 0.7.7 (crates.io)"
    cargo install --quiet --locked --root "$X/auditable" cargo-auditable@0.7.7
fi

cat > "$X/aarch64-linux-musl-gcc" <<'SH'
#!/bin/sh
# Debian's aarch64 gcc with musl's headers and libraries instead of glibc's.
exec aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs "$@"
SH
chmod +x "$X/aarch64-linux-musl-gcc"

if [ "$want_zig" = yes ] && ! "$X/zig/bin/cargo-zigbuild" --version 2> /dev/null | grep -q "0.24.1"; then
    # Zig (the C compiler and linker, with macOS's libSystem stubs and mingw-w64 for arm64) and
    # cargo-zigbuild, pinned, from PyPI's wheels, in a virtual environment of their own.
    say "installing ziglang and cargo-zigbuild from PyPI"
    dpkg -s python3-venv > /dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq --no-install-recommends python3-venv > /dev/null; }
    rm -rf "$X/zig"
    python3 -m venv "$X/zig"
    "$X/zig/bin/pip" install -q ziglang==0.17.1 cargo-zigbuild==0.24.1
fi

if [ "$want_source" = yes ]; then
# The standard library's sources, of exactly this compiler's version.
sysroot=$(rustc --print sysroot)
version=$(rustc --version | cut -d' ' -f2)
if [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
    timeout 120 rustup component add rust-src > /dev/null 2>&1 || true
fi
if [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
    src="$X/rust-src-$version"
    if [ ! -d "$src/usr/src/rustc-$version/library" ]; then
        say "fetching Debian's rust-src $version (trixie-backports)"
        private_apt apt-get trixie-backports update
        deb_version=$(private_apt apt-cache trixie-backports -o APT::Architecture=amd64 -o APT::Architectures=amd64 \
            madison rust-src 2>/dev/null | awk -v v="$version+" 'index($3, v) == 1 { print $3; exit }') || true
        [ -n "$deb_version" ] || { say "no rust-src $version in trixie-backports; install rust-src for this toolchain (rustup component add rust-src)"; exit 1; }
        (cd "$X" && private_apt apt-get trixie-backports download "rust-src=$deb_version")
        rm -rf "$src" && mkdir -p "$src"
        dpkg -x "$X"/rust-src_"$version"+*_all.deb "$src"
        rm -f "$X"/rust-src_"$version"+*_all.deb
    fi
    mkdir -p "$sysroot/lib/rustlib/src"
    ln -sfn "$src/usr/src/rustc-$version" "$sysroot/lib/rustlib/src/rust"
fi

# musl links libunwind statically. Debian's LLVM one works, but was compiled against glibc's
# fortified stdio and wants __fprintf_chk, which musl lacks: a private copy gets a shim.
cat > "$X/fprintf_chk.c" <<'C'
#include <stdarg.h>
#include <stdio.h>
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
    va_list ap;
    (void)flag;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}
C
unwind() { # arch, libunwind.a, C compiler
    [ -f "$X/unwind/$1/libunwind.a" ] && return 0
    mkdir -p "$X/unwind/$1"
    cp "$2" "$X/unwind/$1/libunwind.a"
    $3 -O2 -c "$X/fprintf_chk.c" -o "$X/unwind/$1/fprintf_chk.o"
    ar r "$X/unwind/$1/libunwind.a" "$X/unwind/$1/fprintf_chk.o" 2> /dev/null
}
unwind x86_64 /usr/lib/llvm-16/lib/libunwind.a musl-gcc
if [ ! -f "$X/unwind/aarch64/libunwind.a" ]; then
    # The arm64 package cannot be installed beside the amd64 one (same paths): unpack it.
    (cd "$X" && apt-get download -qq libunwind-16-dev:arm64 2> /dev/null)
    rm -rf "$X/unwind/arm64-deb" && dpkg -x "$X"/libunwind-16-dev_*_arm64.deb "$X/unwind/arm64-deb"
    unwind aarch64 "$X/unwind/arm64-deb/usr/lib/llvm-16/lib/libunwind.a" "$X/aarch64-linux-musl-gcc"
fi
fi

# Wine: bookworm's 8.0 cannot run Rust's std (it lacks bcryptprimitives' ProcessPrng); trixie's
# 10.0 can. A minimal trixie root, with the host's /tmp bound in (where the tests keep their
# files) and a persistent wineserver, so that each start costs tens of milliseconds.
#
# For arm64 the root is an arm64 one, whose programs (Wine among them) run under qemu-user
# through binfmt_misc. Its first start used to spin in `wineboot --init` (illegal-instruction
# exceptions, over and over): qemu-user's default CPU, `max`, offers features that arm64 Wine
# trips on. With QEMU_CPU=cortex-a72 (plain ARMv8.0, what Windows 11 on arm64 needs at least)
# it starts; every command below and the wrapper set it, and child processes inherit it.
wine_root() { # root, debootstrap arch ("" for the host's), wrapper, QEMU_CPU ("" for none)
    root=$1 arch=$2 wrapper=$3 cpu=$4
    if [ ! -x "$root/usr/lib/wine/wine64" ]; then
        dpkg -s debootstrap > /dev/null 2>&1 || apt-get install -y -qq --no-install-recommends debootstrap > /dev/null
        log="$X/debootstrap-$(basename "$root").log"
        if [ ! -x "$root/usr/bin/apt-get" ]; then
            say "debootstrap trixie (minbase${arch:+, $arch})"
            rm -rf "$root"
            debootstrap --variant=minbase ${arch:+--arch=$arch} trixie "$root" http://deb.debian.org/debian > "$log" 2>&1 \
                || { tail -n 20 "$log" >&2; exit 1; }
        fi
        cp /etc/resolv.conf "$root/etc/resolv.conf"
        say "installing Wine in $(basename "$root")"
        mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
        chroot "$root" /usr/bin/env ${cpu:+QEMU_CPU=$cpu} apt-get install -y -qq --no-install-recommends wine64 wine \
            > "$X/wine-install-$(basename "$root").log" 2>&1 \
            || { tail -n 20 "$X/wine-install-$(basename "$root").log" >&2; exit 1; }
    fi
    # debootstrap writes no hosts file; the tests' stand-ins answer as localhost.
    printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    mountpoint -q "$root/tmp" || mount --bind /tmp "$root/tmp"
    mkdir -p "$root/run/wine-xdg" && chmod 700 "$root/run/wine-xdg"
    cat > "$wrapper" <<SH
#!/bin/sh
# Runs a Windows program (a path under /tmp) with the Wine of $(basename "$root").
exec /usr/sbin/chroot "$root" /usr/bin/env ${cpu:+QEMU_CPU=$cpu }WINEPREFIX=/root/wineprefix WINEDEBUG=-all XDG_RUNTIME_DIR=/run/wine-xdg \\
    /usr/lib/wine/wine64 "\$@"
SH
    chmod +x "$wrapper"
    wine() { chroot "$root" /usr/bin/env ${cpu:+QEMU_CPU=$cpu} WINEPREFIX=/root/wineprefix WINEDEBUG=-all XDG_RUNTIME_DIR=/run/wine-xdg "$@"; }
    if [ ! -d "$root/root/wineprefix" ]; then
        say "creating the Wine prefix"
        wine /usr/lib/wine/wine64 cmd.exe /c exit < /dev/null > /dev/null 2>&1 || true
        # Its wineserver is not persistent: wait for it to go, so that the one below starts.
        wine /usr/lib/wine/wineserver -w || true
    fi
    # A persistent wineserver, then the prefix's services (services.exe, winedevice.exe, ...), all
    # started from here with stdio on /dev/null. Each keeps the stderr of the process that started
    # it open for its whole life: started by a test's program, they would hold that test's stderr
    # pipe, and a test waiting for the pipe to close waits forever. -p exits 2 when one already runs.
    wine /usr/lib/wine/wineserver -p < /dev/null > /dev/null 2>&1 || true
    wine /usr/lib/wine/wine64 cmd.exe /c exit < /dev/null > /dev/null 2>&1 || true
    say "Windows programs run with $wrapper PROGRAM.exe (stop the wineserver: scripts/cross-setup.sh wine-stop)"
}
[ "$want_wine" = no ] || wine_root "$X/trixie" "" "$X/wine-run" ""
[ "$want_wine_arm64" = no ] || wine_root "$X/trixie-arm64" arm64 "$X/wine-arm64-run" cortex-a72
