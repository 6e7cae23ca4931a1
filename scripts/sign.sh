#!/bin/sh
# Signs a release with minisign: a detached signature (FILE.minisig) of every file SHA256SUMS
# lists, and of SHA256SUMS, and the public key beside them as minisign.pub. Nothing else in the
# folder changes. Never prompts: the key must have no password (minisign -G -W); one with a
# password fails at once (stdin is empty) instead of waiting.
#
#   RELEASE_MINISIGN_KEY=minisign.key RELEASE_MINISIGN_PUB=minisign.pub scripts/sign.sh [DIST]
#
# Check a download: minisign -Vm FILE -p minisign.pub (or -P <the key's base64 line>).
set -eu
dist=${1:-dist}
key=${RELEASE_MINISIGN_KEY:?the minisign secret key file} pub=${RELEASE_MINISIGN_PUB:?its public key file}
[ -r "$key" ] && [ -r "$pub" ] || { echo "sign: $key and $pub must be readable files" >&2; exit 1; }
command -v minisign > /dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends minisign > /dev/null; }
files=$(cut -d' ' -f3- "$dist/SHA256SUMS")
# shellcheck disable=SC2086 # one path a word
(cd "$dist" && minisign -S -s "$key" -m $files SHA256SUMS < /dev/null > /dev/null)
cp "$pub" "$dist/minisign.pub"
for f in $files SHA256SUMS; do
    minisign -V -q -p "$dist/minisign.pub" -m "$dist/$f" > /dev/null || { echo "sign: $dist/$f: the new signature does not verify" >&2; exit 1; }
done
echo "sign: $(echo $files | wc -w) files and SHA256SUMS signed; public key in $dist/minisign.pub" >&2
