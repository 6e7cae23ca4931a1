#!/bin/sh
# Installs each package the way its users will, and runs what it installed:
#   .deb: `dpkg -i` into a clean Debian root (debootstrap, minbase; a fresh copy per package),
#         `version` and a `get` against the loopback stand-in, then `dpkg -r`, which must leave
#         the root as it found it (every path compared, dpkg's own records aside);
#   .rpm: `rpm --root` into an empty root, the binary run there (static: nothing else needed),
#         then `rpm -e`, which must leave no file of the package.
# The arm64 binaries run through qemu-user (binfmt_misc, registered by scripts/cross-setup.sh).
# Needs root (chroot); the clean root is cached as a tarball in $CROSS_HOME.
#
#   scripts/test-packages.sh      # every .deb and .rpm in dist/
set -eu
cd "$(dirname "$0")/.."
dist=${DIST:-$(pwd)/dist}
X=${CROSS_HOME:-$HOME/.cache/ecr-login-cross}
name=docker-credential-ecr-login
host=123456789012.dkr.ecr.eu-west-1.amazonaws.com
say() { echo "test-packages: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

command -v rpm > /dev/null || { apt-get update -qq; apt-get install -y -qq --no-install-recommends rpm > /dev/null; }
command -v debootstrap > /dev/null || { apt-get update -qq; apt-get install -y -qq --no-install-recommends debootstrap > /dev/null; }
clean=$X/debian-bookworm-minbase.tar
if [ ! -f "$clean" ]; then
    say "debootstrap bookworm (minbase), once"
    mkdir -p "$X"
    tmp_root=$(mktemp -d)
    debootstrap --variant=minbase bookworm "$tmp_root" http://deb.debian.org/debian > "$X/debootstrap-bookworm.log" 2>&1 \
        || { tail -n 20 "$X/debootstrap-bookworm.log" >&2; exit 1; }
    rm -rf "$tmp_root/var/cache/apt/archives"/*.deb "$tmp_root/var/lib/apt/lists"/*_Packages
    tar -C "$tmp_root" -cf "$clean.part" . && mv "$clean.part" "$clean"
    rm -rf "$tmp_root"
fi

cargo build -q --release --example standin
work=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login-packages.XXXXXX")
# The stand-in serves until its stdin closes; it prints its URL first (read from a FIFO, which
# blocks until the line is there).
mkfifo "$work/standin.in" "$work/standin.out"
target/release/examples/standin < "$work/standin.in" > "$work/standin.out" &
exec 9> "$work/standin.in" 8< "$work/standin.out"
cleanup() { exec 9>&- 8<&-; wait 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
read -r url <&8
# The stand-in's example keys; no cache and no log, so
# that what the root holds afterwards is the package's business alone.
get_env="HOME=/root AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY AWS_ENDPOINT_URL_ECR=$url AWS_EC2_METADATA_DISABLED=true AWS_ECR_DISABLE_CACHE=1 AWS_ECR_LOG_LEVEL=off"

run_in() { # root, command...: the installed binary, in the root
    root=$1; shift
    chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin $get_env "$@"
}
check_runs() { # root, what
    v=$(run_in "$1" /usr/bin/$name version) || fail "$2: version did not run"
    case "$v" in "docker-credential-ecr-login (ecr-login-rs) "*) ;; *) fail "$2: version said $v" ;; esac
    out=$(echo "$host" | run_in "$1" /usr/bin/$name get) || fail "$2: get failed"
    case "$out" in *'"Secret":"password-from-the-stand-in"'*) ;; *) fail "$2: get said $out" ;; esac
    say "$2: $v; get answered from the stand-in"
}
listing() { # root: every path and its type, owner and mode, without dpkg's own records
    (cd "$1" && find . -xdev \( -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache/debconf -o -path ./proc \) -prune \
        -o -printf '%p %y %u %m\n' | sort)
}

for deb in "$dist"/${name}_*_*.deb; do
    arch=$(dpkg-deb -f "$deb" Architecture)
    root=$work/deb-$arch
    mkdir -p "$root" && tar -C "$root" -xf "$clean"
    [ "$arch" = "$(dpkg --print-architecture)" ] || chroot "$root" dpkg --add-architecture "$arch"
    before=$(listing "$root")
    cp "$deb" "$root/tmp/package.deb"
    chroot "$root" dpkg -i /tmp/package.deb > "$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log" >&2; fail "dpkg -i $deb"; }
    rm "$root/tmp/package.deb"
    for f in /usr/bin/$name /usr/share/man/man1/$name.1.gz /usr/share/doc/$name/copyright \
        /usr/share/doc/$name/THIRD-PARTY-NOTICES.txt /usr/share/doc/$name/README.md; do
        [ -f "$root$f" ] || fail "$deb did not install $f"
    done
    [ "$(chroot "$root" dpkg-query -W -f '${Status} ${Architecture}' $name)" = "install ok installed $arch" ] \
        || fail "dpkg does not list $name ($arch) as installed"
    check_runs "$root" "$(basename "$deb") in a clean Debian root"
    chroot "$root" dpkg -r $name > /dev/null 2>&1 || fail "dpkg -r $name"
    after=$(listing "$root")
    [ "$before" = "$after" ] || { printf '%s\n' "$before" > "$work/before"; printf '%s\n' "$after" > "$work/after"; \
        diff "$work/before" "$work/after" >&2 || true; fail "dpkg -r left the root changed"; }
    say "$(basename "$deb"): dpkg -r left the root as it was ($(printf '%s\n' "$before" | wc -l) paths compared)"
    rm -rf "$root"
done

for rpm_file in "$dist"/$name-*.rpm; do
    arch=$(rpm -qp --qf '%{ARCH}' "$rpm_file" 2> /dev/null)
    root=$work/rpm-$arch
    mkdir -p "$root"
    # rpm's database where RPM systems keep it (Debian's rpm would use ~/.rpmdb); Debian's rpm
    # also warns that it is not Debian's package manager, which is why stderr goes to a log.
    r="rpm --root $root --dbpath /var/lib/rpm"
    $r --initdb 2> "$work/rpm.log" || { cat "$work/rpm.log" >&2; fail "rpm --initdb"; }
    $r -i --nodeps --ignorearch "$rpm_file" 2> "$work/rpm.log" || { cat "$work/rpm.log" >&2; fail "rpm -i $rpm_file"; }
    $r -q $name > /dev/null 2>&1 || fail "rpm does not list $name as installed"
    # An empty root but for the package: chroot needs its env, so run the binary itself.
    v=$(/usr/sbin/chroot "$root" /usr/bin/$name version) || fail "$rpm_file: version did not run"
    out=$(echo "$host" | env -i $get_env /usr/sbin/chroot "$root" /usr/bin/$name get) || fail "$rpm_file: get failed"
    case "$out" in *'"Secret":"password-from-the-stand-in"'*) ;; *) fail "$rpm_file: get said $out" ;; esac
    say "$(basename "$rpm_file") ($arch) in an empty root: $v; get answered from the stand-in"
    $r -e $name 2> "$work/rpm.log" || { cat "$work/rpm.log" >&2; fail "rpm -e $name"; }
    left=$(cd "$root" && find . -path ./var -prune -o -type f -print | head -n 5)
    [ -z "$left" ] || fail "rpm -e left files: $left"
    rm -rf "$root"
done
say "all packages installed, ran and were removed cleanly"
