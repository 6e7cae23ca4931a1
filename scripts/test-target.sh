#!/bin/sh
# Runs the tests that drive the binary against a release binary in dist/, as that target runs:
# natively, under qemu-user (the other Linux CPUs), or under Wine (Windows; arm64 Windows under an arm64 Wine
# under qemu-user). The stand-ins stay native Linux processes on loopback. What cannot apply on
# a target is listed, with its reason, in tests/support/targets.rs. A tier says how much runs:
#
#   full      tests/cli.rs, tests/scenarios, tests/reliability.rs (crowds, tight timing), the
#             fallback store, and for Linux the empty-root chroot test (root only)
#   emulated  the same without tests/reliability.rs: under emulation a crowd measures the
#             emulator, and the protocol and the scenarios are what differ by target
#   smoke     version and usage, a miss, hits, list and a kubelet request, and for Linux the
#             empty-root chroot test
#
#   scripts/test-target.sh TARGET [TIER]   TARGET: a row of scripts/targets.tsv, whose runner
#                                          and tier are the defaults
set -eu
cd "$(dirname "$0")/.."
. scripts/targets.sh
t=${1:?usage: scripts/test-target.sh TARGET [full|emulated|smoke] (TARGET: a row of scripts/targets.tsv)}
rt=$(target_field "$t" triple) || exit 2
tier=${2:-$(target_field "$t" tier)}
case "$tier" in
    full | emulated | smoke) ;;
    none) echo "$t runs nowhere here (scripts/targets.tsv): its binary is checked by scripts/check-binaries.sh" >&2; exit 2 ;;
    *) echo "unknown tier $tier: full, emulated or smoke" >&2; exit 2 ;;
esac
X=${CROSS_HOME:-$HOME/.cache/ecr-login-cross}
dist=$(pwd)/dist
runner=""
case "$(target_field "$t" runner)" in
    native) bin=$dist/$t/docker-credential-ecr-login ;;
    qemu-user)
        # qemu-user for its CPU, emulating the oldest one its users have (the row's cpu): a
        # program of one line, as the tests start the runner with the binary's path and arguments.
        bin=$dist/$t/docker-credential-ecr-login
        qemu=$(qemu_of "$t")
        prog=${qemu%% *}
        command -v "$prog" > /dev/null || scripts/cross-setup.sh
        work=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login-qemu.XXXXXX")
        trap 'rm -rf "$work"' EXIT
        trap 'exit 130' INT TERM
        printf '#!/bin/sh\nexec %s%s "$@"\n' "$(command -v "$prog")" "${qemu#"$prog"}" > "$work/run"
        chmod +x "$work/run"
        runner=$work/run ;;
    wine | wine-arm64)
        # A fresh wineserver whose services were started by cross-setup, not by a test's
        # program (they would hold its stderr open: see scripts/cross-setup.sh); stopped at exit.
        # wine-arm64: the arm64 Wine of an arm64 trixie root, under qemu-user.
        wine=$(target_field "$t" runner)
        scripts/cross-setup.sh wine-stop
        scripts/cross-setup.sh "$wine"
        wine_run=$X/$wine-run
        # Wine sees the host's /tmp only, and hides HOME from Windows programs: the binary and
        # a launcher that sets HOME (examples/wine_launcher.rs) go to a folder under /tmp.
        work=$(mktemp -d /tmp/ecr-login-wine.XXXXXX)
        trap 'rm -rf "$work"; scripts/cross-setup.sh wine-stop' EXIT
        trap 'exit 130' INT TERM
        cp "$dist/$t/docker-credential-ecr-login.exe" "$work/"
        std=""
        flags="-C target-feature=+crt-static"
        if ! ls "$(rustc --print sysroot)/lib/rustlib/$rt/lib"/libstd-* > /dev/null 2>&1; then
            std="-Zbuild-std=std,panic_abort"
            flags="$flags -C link-self-contained=no"
        fi
        # The launcher is linked the way the target's binary is (scripts/build-static.sh).
        case "$(target_field "$t" route)" in
            mingw)
                RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
                    cargo build --quiet --release --locked $std --target "$rt" --example wine_launcher ;;
            zig)
                PATH=$X/zig/bin:$PATH ZIG_GLOBAL_CACHE_DIR=$X/zig-cache XDG_CACHE_HOME=$X/xdg-cache \
                    RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" cargo zigbuild --quiet --release --locked $std --target "$rt" --example wine_launcher ;;
        esac
        cp "target/$rt/release/examples/wine_launcher.exe" "$work/"
        printf '#!/bin/sh\nexec %s %s "$@"\n' "$wine_run" "$work/wine_launcher.exe" > "$work/run"
        chmod +x "$work/run"
        bin=$work/docker-credential-ecr-login.exe
        runner=$work/run ;;
    *) echo "$t has no runner here (scripts/targets.tsv)" >&2; exit 2 ;;
esac
[ -f "$bin" ] || { echo "$bin is missing: run scripts/release.sh (or scripts/build-static.sh $t) first" >&2; exit 1; }
echo "== $t ($tier tier): $bin${runner:+, run by $runner}"
export ECR_LOGIN_TEST_BIN="$bin" ECR_LOGIN_TEST_RUNNER="$runner" ECR_LOGIN_TEST_TARGET="$t"
case "$tier" in
    full) cargo test --locked --test cli --test scenarios --test reliability ;;
    emulated) cargo test --locked --test cli --test scenarios ;;
    smoke)
        cargo test --locked --test cli argument_handling_matches_go
        SCENARIOS=session_token,fresh_entry_from_go_helper,list_cold_cache,kubelet_provider \
            cargo test --locked --test scenarios ;;
esac
if [ "$tier" != smoke ]; then
    # It needs pass and Debian's docker-credential-pass, which .ci/run installs: ignored by a
    # plain cargo test, run here on purpose.
    cargo test --locked --test fallback_store -- --ignored
fi
case "$t" in
    linux-*)
        if [ "$(id -u)" = 0 ]; then
            # The other CPUs run there through binfmt_misc (scripts/cross-setup.sh registers qemu).
            STATIC_BINARY=$bin cargo test --locked --test static_binary -- --ignored
        else
            echo "== $t: the chroot test (an empty root) needs root; skipped"
        fi ;;
esac
