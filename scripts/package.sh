#!/bin/sh
# The Linux packages, from the binaries in dist/ (scripts/build-static.sh), with Debian's own
# tools: dpkg-deb for .deb, rpmbuild (Debian's `rpm` package) for .rpm.
#
#   scripts/package.sh            # dist/*.deb (amd64, arm64) and dist/*.rpm (x86_64, aarch64)
#
# Each holds the static binary in /usr/bin, the manual page, and under the package's doc
# folder the README, the licence and the third-party notices (dist/THIRD-PARTY-NOTICES.txt,
# which scripts/release.sh writes first). Reproducible: every time is SOURCE_DATE_EPOCH (the
# commit's time), every owner root, and rpmbuild's build host and time are fixed.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
dist=${DIST:-$top/dist}
name=docker-credential-ecr-login
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
homepage=$(sed -n 's/^homepage = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
licence=$(sed -n 's/^license = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
summary="Docker credential helper for Amazon ECR, one static binary"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2> /dev/null || echo 0)}
export SOURCE_DATE_EPOCH
for tool in dpkg-deb:dpkg rpmbuild:rpm fakeroot:fakeroot; do
    command -v "${tool%%:*}" > /dev/null 2>&1 || {
        apt-get update -qq && apt-get install -y -qq --no-install-recommends "${tool#*:}" > /dev/null
    }
done
[ -f "$dist/THIRD-PARTY-NOTICES.txt" ] || { echo "package: $dist/THIRD-PARTY-NOTICES.txt is missing (scripts/release.sh writes it)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login-package.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# One file tree for both formats: /usr/bin, the manual page, the doc folder.
tree() { # dist folder, destination root
    mkdir -p "$2/usr/bin" "$2/usr/share/man/man1" "$2/usr/share/doc/$name"
    install -m 0755 "$dist/$1/$name" "$2/usr/bin/$name"
    gzip -9 -n -c src/$name.1 > "$2/usr/share/man/man1/$name.1.gz"
    install -m 0644 README.md "$2/usr/share/doc/$name/README.md"
    install -m 0644 "$dist/THIRD-PARTY-NOTICES.txt" "$2/usr/share/doc/$name/THIRD-PARTY-NOTICES.txt"
    # Debian's place for the licence: the copyright file.
    { echo "This package: $name $version, $licence; see $homepage"; echo; cat LICENSE; } \
        > "$2/usr/share/doc/$name/copyright"
    chmod 0644 "$2/usr/share/doc/$name/copyright" "$2/usr/share/man/man1/$name.1.gz"
    find "$2" -type d -exec chmod 0755 {} +
    find "$2" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

for pair in linux-amd64:amd64 linux-arm64:arm64; do
    folder=${pair%%:*} arch=${pair#*:}
    root=$work/deb-$arch
    tree "$folder" "$root"
    mkdir -p "$root/DEBIAN"
    size=$(du -k -s --exclude=DEBIAN "$root" | cut -f1)
    cat > "$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: ecr-login-rs maintainers <$name@users.noreply.github.com>
Installed-Size: $size
Section: utils
Priority: optional
Homepage: $homepage
Description: $summary
 A drop-in replacement for Amazon's amazon-ecr-credential-helper: docker, podman,
 buildah, skopeo, crane, helm and the kubelet run it to get Amazon ECR and ECR Public
 credentials. It finds AWS credentials as the AWS SDKs do (environment, profiles,
 role chains, SSO, aws login, web identity, ECS and EKS Pod Identity, IMDSv2) and
 caches tokens in the Go helper's format. Statically linked: no dependencies.
CONTROL
    # Debian's licence field is the copyright file; a License line is for rpm only.
    (cd "$root" && find usr -type f | sort | xargs md5sum) > "$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
    touch -d "@$SOURCE_DATE_EPOCH" "$root/DEBIAN" "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
    deb="$dist/${name}_${version}_$arch.deb"
    dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
    echo "built $deb ($(wc -c < "$deb") bytes)" >&2
done

for pair in linux-amd64:x86_64 linux-arm64:aarch64; do
    folder=${pair%%:*} arch=${pair#*:}
    top_rpm=$work/rpm-$arch
    mkdir -p "$top_rpm/SPECS" "$top_rpm/RPMS"
    tree "$folder" "$top_rpm/tree"
    cat > "$top_rpm/SPECS/$name.spec" <<SPEC
Name: $name
Version: $version
Release: 1
Summary: $summary
License: $licence
URL: $homepage
AutoReqProv: no

%description
A drop-in replacement for Amazon's amazon-ecr-credential-helper: docker, podman, buildah,
skopeo, crane, helm and the kubelet run it to get Amazon ECR and ECR Public credentials. It
finds AWS credentials as the AWS SDKs do and caches tokens in the Go helper's format.
Statically linked: no dependencies.

%install
cp -a $top_rpm/tree/. %{buildroot}/

%files
%attr(0755,root,root) /usr/bin/$name
%attr(0644,root,root) /usr/share/man/man1/$name.1.gz
%dir %attr(0755,root,root) /usr/share/doc/$name
%attr(0644,root,root) /usr/share/doc/$name/README.md
%attr(0644,root,root) /usr/share/doc/$name/THIRD-PARTY-NOTICES.txt
%license /usr/share/doc/$name/copyright
SPEC
    # A static binary with nothing to strip or split; fixed times and host for the same bytes.
    fakeroot rpmbuild -bb --quiet --target "$arch-linux" \
        --define "_topdir $top_rpm" \
        --define "_build_id_links none" \
        --define "debug_package %{nil}" \
        --define "__strip /bin/true" \
        --define "__os_install_post %{nil}" \
        --define "_buildhost reproducible" \
        --define "use_source_date_epoch_as_buildtime 1" \
        --define "clamp_mtime_to_source_date_epoch 1" \
        --define "_binary_payload w9.xzdio" \
        "$top_rpm/SPECS/$name.spec" > "$work/rpmbuild-$arch.log" 2>&1 \
        || { cat "$work/rpmbuild-$arch.log" >&2; exit 1; }
    rpm_file=$(find "$top_rpm/RPMS" -name '*.rpm' | head -n 1)
    cp "$rpm_file" "$dist/$name-$version-1.$arch.rpm"
    echo "built $dist/$name-$version-1.$arch.rpm ($(wc -c < "$rpm_file") bytes)" >&2
done
