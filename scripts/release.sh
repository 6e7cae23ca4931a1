#!/bin/sh
# The release, in dist/ (Amazon's layout: each binary with its .sha256 beside it), from one
# command:
#
#   dist/linux-amd64/docker-credential-ecr-login        static, musl (the recommended Linux build)
#   dist/linux-arm64/docker-credential-ecr-login        static, musl
#   dist/windows-amd64/docker-credential-ecr-login.exe  needs no DLL beyond Windows' own
#   dist/windows-arm64/docker-credential-ecr-login.exe  the same, for arm64 (built and checked, not run)
#   dist/darwin-amd64/docker-credential-ecr-login       macOS 10.12+, links libSystem only (not run)
#   dist/darwin-arm64/docker-credential-ecr-login       macOS 11+, ad-hoc signed (not run)
#   dist/darwin-universal/docker-credential-ecr-login   both macOS binaries in one file
#   dist/linux-amd64-glibc/docker-credential-ecr-login  static, glibc (a fallback)
#   dist/linux-{armv7,armv6,ppc64le,s390x,riscv64}/docker-credential-ecr-login
#                                                       static, musl (32-bit ARM v7 and v6 hard-float,
#                                                       POWER8+, z/Architecture, RV64GC)
#   dist/docker-credential-ecr-login_VERSION_{amd64,arm64}.deb, dist/docker-credential-ecr-login-VERSION-1.{x86_64,aarch64}.rpm
#   dist/docker-credential-ecr-login-VERSION-r0.ARCH.apk   Alpine packages (unsigned): x86_64, aarch64,
#                                                       armv7, armhf, ppc64le, s390x, riscv64
#   dist/manifests/                                     Homebrew formula, Scoop manifest, winget
#                                                       manifests, APKBUILD, with these files' hashes
#   dist/docker-credential-ecr-login-oci.tar            OCI image index of the seven static Linux binaries
#   dist/docker-credential-ecr-login-VERSION-src.tar.gz source, every dependency vendored
#   dist/docker-credential-ecr-login.1                  the manual page
#   dist/THIRD-PARTY-NOTICES.txt                        the licences of all that the binaries contain
#   dist/*/docker-credential-ecr-login*.cdx.json        a CycloneDX SBOM beside each binary
#   dist/provenance.intoto.json                         SLSA provenance: every file above, its
#                                                       commit, source archive and toolchains
#   dist/LICENSE, dist/README.md, dist/SHA256SUMS       SHA256SUMS covers all of the above
#   dist/**.minisig, dist/minisign.pub                  with RELEASE_MINISIGN_KEY (a minisign
#                                                       secret key file without a password) and
#                                                       RELEASE_MINISIGN_PUB (its public key):
#                                                       a signature of every file SHA256SUMS
#                                                       lists, and of SHA256SUMS
#
# Every binary carries its dependency list (cargo auditable). Two runs on the same commit give
# the same bytes, signatures aside. scripts/verify-package.sh rebuilds the linux-amd64 binary
# from the source archive offline and compares.
set -eu
cd "$(dirname "$0")/.."
key=${RELEASE_MINISIGN_KEY:-} pub=${RELEASE_MINISIGN_PUB:-}
if [ -n "$key$pub" ]; then
    # Checked before the long build: both, readable.
    [ -r "$key" ] && [ -r "$pub" ] || { echo "RELEASE_MINISIGN_KEY and RELEASE_MINISIGN_PUB must both name readable files (minisign -G -W -p minisign.pub -s minisign.key)" >&2; exit 1; }
fi
# Any time written into the release is the commit's.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
export SOURCE_DATE_EPOCH
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ECR_LOGIN_GIT_COMMIT=${ECR_LOGIN_GIT_COMMIT:-$(git rev-parse --short=7 HEAD)}
export ECR_LOGIN_GIT_COMMIT
rm -rf dist && mkdir -p dist
scripts/build-static.sh
mkdir -p dist/darwin-universal
python3 scripts/binaries.py universal dist/darwin-universal/docker-credential-ecr-login \
    dist/darwin-arm64/docker-credential-ecr-login dist/darwin-amd64/docker-credential-ecr-login
(cd dist/darwin-universal && sha256sum docker-credential-ecr-login > docker-credential-ecr-login.sha256)
python3 scripts/oci-image.py dist "$version" "$ECR_LOGIN_GIT_COMMIT"

name="docker-credential-ecr-login-$version-src"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git archive --format=tar --prefix="$name/" HEAD | tar -x -C "$stage"
# The standard library's own dependencies go in too, for a build that compiles std from its
# sources (-Zbuild-std); its sources themselves are the toolchain's rust-src.
scripts/cross-setup.sh source
std_src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
(cd "$stage/$name" && RUSTC_BOOTSTRAP=1 cargo vendor --locked --versioned-dirs --quiet -s "$std_src/Cargo.toml" vendor > /dev/null)
mkdir -p "$stage/$name/.cargo"
cat > "$stage/$name/.cargo/config.toml" <<CFG
# Build from vendor/ only: cargo build --offline --frozen
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"
CFG
echo "$ECR_LOGIN_GIT_COMMIT" > "$stage/$name/GIT_COMMIT"
# Fixed order, owners and times, and no gzip timestamp: the same archive every time.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$stage" -cf - "$name" \
    | gzip -n -9 > "dist/$name.tar.gz"
# The notices, from the lock file and the sources just vendored (std's own dependencies too).
python3 scripts/licences.py write "$stage/$name/vendor" dist/THIRD-PARTY-NOTICES.txt
cp LICENSE README.md dist/
cp src/docker-credential-ecr-login.1 dist/
scripts/package.sh
# Alpine's .apk files and the package-manager manifests (Homebrew, Scoop, winget, APKBUILD),
# whose hashes are of the files above.
python3 scripts/apk.py write dist > /dev/null
python3 scripts/manifests.py write dist > /dev/null
# An SBOM beside each binary, from the dependency list the binary carries.
python3 scripts/sbom.py write $(find dist -mindepth 2 -type f \( -name docker-credential-ecr-login -o -name docker-credential-ecr-login.exe \) | sort)
files=$(cd dist && { find . -mindepth 2 -type f -name 'docker-credential-ecr-login*' ! -name '*.sha256' ! -path './manifests/*' | sed 's|^\./||' | sort
    ls -d docker-credential-ecr-login[-_]* docker-credential-ecr-login.1 THIRD-PARTY-NOTICES.txt LICENSE README.md
    find manifests -type f | sort; })
# shellcheck disable=SC2086 # one path a word
python3 scripts/provenance.py write dist $files
# shellcheck disable=SC2086
(cd dist && sha256sum $files provenance.intoto.json > SHA256SUMS)
[ -z "$key" ] || scripts/sign.sh dist
cat dist/SHA256SUMS
