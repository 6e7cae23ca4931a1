#!/usr/bin/env python3
"""Package-manager manifests, generated from dist/ with the hashes of the files they name, and
their structural check:

    scripts/manifests.py write DIST    DIST/manifests/: a Homebrew formula (a tap of your own;
                                       builds from the vendored source archive), a Scoop
                                       manifest (amd64, arm64), winget's three files (portable
                                       x64 and arm64), an Alpine APKBUILD
    scripts/manifests.py check DIST    every URL ends in a file's path under DIST and the hash
                                       beside it is that file's; each manifest has what its
                                       package manager requires

URLs are RELEASE_BASE_URL (default: the homepage's GitHub release of this version) followed by
the file's path under dist/, so a site that mirrors a release sets RELEASE_BASE_URL to its
mirror and publishes dist/ as it is. Nothing here runs brew, scoop, winget or abuild: they
check structure, hashes and the fields those tools require.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from project import Missing, cargo_field, digest  # noqa: E402

NAME = "docker-credential-ecr-login"
WINGET_ID = "EcrLoginRs.DockerCredentialEcrLogin"
SUMMARY = "Docker credential helper for Amazon ECR: one small static binary"


class Bad(Exception):
    pass


def base_url(version):
    return os.environ.get("RELEASE_BASE_URL") or f"{cargo_field('homepage')}/releases/download/v{version}"


def paths(version):
    return {"src": f"{NAME}-{version}-src.tar.gz",
            "win64": f"windows-amd64/{NAME}.exe",
            "winarm64": f"windows-arm64/{NAME}.exe"}


def homebrew(dist, version, base, p):
    return f'''# A formula for a tap of your own (Homebrew core wants a known project first):
#   brew tap-new you/tools && cp {NAME}.rb "$(brew --repository you/tools)/Formula/"
#   brew install you/tools/{NAME}
# It builds from the source archive, whose vendor/ holds every crate: no network but the download.
class DockerCredentialEcrLogin < Formula
  desc "{SUMMARY}"
  homepage "{cargo_field('homepage')}"
  url "{base}/{p['src']}"
  sha256 "{digest(os.path.join(dist, p['src']))}"
  license "{cargo_field('license')}"

  depends_on "rust" => :build

  conflicts_with "docker-credential-helper-ecr", because: "both install {NAME}"

  def install
    system "cargo", "install", "--offline", *std_cargo_args
    man1.install "src/{NAME}.1"
  end

  test do
    assert_match version.to_s, shell_output("#{{bin}}/{NAME} version")
    output = pipe_output("#{{bin}}/{NAME} get", "registry.example.com", 1)
    assert_match "credentials not found in native keychain", output
  end
end
'''


def scoop(dist, version, base, p):
    arch = lambda key: {"url": f"{base}/{p[key]}", "hash": digest(os.path.join(dist, p[key]))}
    homepage = cargo_field("homepage")
    auto = lambda key: {"url": f"{homepage}/releases/download/v$version/{p[key]}"}
    return json.dumps({
        "version": version,
        "description": SUMMARY,
        "homepage": homepage,
        "license": cargo_field("license"),
        "architecture": {"64bit": arch("win64"), "arm64": arch("winarm64")},
        "bin": f"{NAME}.exe",
        "checkver": {"github": homepage},
        "autoupdate": {"architecture": {"64bit": auto("win64"), "arm64": auto("winarm64")}},
    }, indent=4) + "\n"


def winget(dist, version, base, p):
    head = f"PackageIdentifier: {WINGET_ID}\nPackageVersion: {version}\n"
    tail = "ManifestVersion: 1.6.0\n"
    installers = "".join(
        f"  - Architecture: {arch}\n"
        f"    InstallerUrl: {base}/{p[key]}\n"
        f"    InstallerSha256: {digest(os.path.join(dist, p[key])).upper()}\n"
        for arch, key in (("x64", "win64"), ("arm64", "winarm64")))
    return {
        f"{WINGET_ID}.yaml": f"{head}DefaultLocale: en-US\nManifestType: version\n{tail}",
        f"{WINGET_ID}.installer.yaml":
            f"{head}InstallerType: portable\nCommands:\n  - {NAME}\nInstallers:\n{installers}"
            f"ManifestType: installer\n{tail}",
        f"{WINGET_ID}.locale.en-US.yaml":
            f"{head}PackageLocale: en-US\nPublisher: ecr-login-rs\nPackageName: {NAME}\n"
            f"PackageUrl: {cargo_field('homepage')}\nLicense: {cargo_field('license')}\n"
            f"ShortDescription: {SUMMARY}\nManifestType: defaultLocale\n{tail}",
    }


def apkbuild(dist, version, base, p):
    return f'''# An APKBUILD for abuild (Alpine's aports layout): the same package scripts/apk.py writes,
# built from the source archive, whose vendor/ holds every crate.
pkgname={NAME}
pkgver={version}
pkgrel=0
pkgdesc="{SUMMARY}"
url="{cargo_field('homepage')}"
arch="x86_64 aarch64 armv7 armhf ppc64le s390x riscv64"
license="{cargo_field('license')}"
makedepends="cargo cargo-auditable"
source="{base}/{p['src']}"
builddir="$srcdir/{NAME}-$pkgver-src"

build() {{
	cargo auditable build --release --frozen --offline
}}

check() {{
	./target/release/{NAME} version
}}

package() {{
	install -Dm755 target/release/{NAME} "$pkgdir"/usr/bin/{NAME}
	install -Dm644 src/{NAME}.1 "$pkgdir"/usr/share/man/man1/{NAME}.1
}}

sha512sums="
{digest(os.path.join(dist, p['src']), 'sha512')}  {p['src']}
"
'''


def files(dist, version):
    base, p = base_url(version), paths(version)
    for key, path in p.items():
        if not os.path.isfile(os.path.join(dist, path)):
            raise Bad(f"{dist}/{path} is missing")
    out = {"homebrew/" + NAME + ".rb": homebrew(dist, version, base, p),
           "scoop/" + NAME + ".json": scoop(dist, version, base, p),
           "alpine/APKBUILD": apkbuild(dist, version, base, p)}
    for name, text in winget(dist, version, base, p).items():
        out[f"winget/{WINGET_ID}/{version}/{name}"] = text
    return out


def write(dist):
    for rel, text in files(dist, cargo_field("version")).items():
        path = os.path.join(dist, "manifests", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        print(path)


def named(dist, base, url):
    """The file under DIST a URL names."""
    if not url.startswith(base + "/"):
        raise Bad(f"{url} is not under {base}")
    path = os.path.join(dist, url[len(base) + 1:])
    if not os.path.isfile(path):
        raise Bad(f"{url} names no file of {dist}")
    return path


def check(dist):
    version = cargo_field("version")
    base = base_url(version)
    m = lambda rel: open(os.path.join(dist, "manifests", rel)).read()
    said = []
    # Homebrew: the fields a formula needs, the source archive's hash, balanced blocks.
    rb = m(f"homebrew/{NAME}.rb")
    for pattern in [r"^class DockerCredentialEcrLogin < Formula$", r'^  desc "[^"]+"$', r'^  homepage "https://',
                    r'^  license "', r'^  depends_on "rust" => :build$',
                    r'^  conflicts_with "docker-credential-helper-ecr", because: "[^"]+"$',
                    r"^  def install$", r"^  test do$", r"std_cargo_args"]:
        if not re.search(pattern, rb, re.M):
            raise Bad(f"the formula lacks {pattern}")
    url = re.search(r'^  url "([^"]+)"$', rb, re.M).group(1)
    sha = re.search(r'^  sha256 "([0-9a-f]{64})"$', rb, re.M).group(1)
    if digest(named(dist, base, url)) != sha:
        raise Bad("the formula's sha256 is not its url's file's")
    opens = len(re.findall(r"^\s*(class|def)\b|\bdo$", rb, re.M))
    if opens != len(re.findall(r"^\s*end$", rb, re.M)):
        raise Bad("the formula's blocks do not close")
    said.append("Homebrew formula")
    # Scoop: both architectures, each hash its file's.
    sc = json.loads(m(f"scoop/{NAME}.json"))
    for key in ("version", "description", "homepage", "license", "architecture", "bin", "checkver", "autoupdate"):
        if key not in sc:
            raise Bad(f"the Scoop manifest has no {key}")
    if sc["version"] != version or set(sc["architecture"]) != {"64bit", "arm64"}:
        raise Bad("the Scoop manifest's version or architectures")
    for arch, a in sc["architecture"].items():
        if digest(named(dist, base, a["url"])) != a["hash"]:
            raise Bad(f"the Scoop {arch} hash is not its file's")
    said.append("Scoop manifest (64bit, arm64)")
    # winget: three files of one identifier and version, portable installers for x64 and arm64.
    folder = f"winget/{WINGET_ID}/{version}"
    kinds = {}
    for name, kind in ((f"{WINGET_ID}.yaml", "version"), (f"{WINGET_ID}.installer.yaml", "installer"),
                       (f"{WINGET_ID}.locale.en-US.yaml", "defaultLocale")):
        text = m(f"{folder}/{name}")
        fields = dict(re.findall(r"^(\w+): (.+)$", text, re.M))
        if fields.get("ManifestType") != kind or fields.get("ManifestVersion") != "1.6.0":
            raise Bad(f"{name}: ManifestType {fields.get('ManifestType')}, ManifestVersion {fields.get('ManifestVersion')}")
        if fields.get("PackageIdentifier") != WINGET_ID or not re.fullmatch(r"[^.\s]+\.[^.\s]+", WINGET_ID):
            raise Bad(f"{name}: PackageIdentifier is not Publisher.Name")
        if fields.get("PackageVersion") != version:
            raise Bad(f"{name}: PackageVersion")
        kinds[kind] = (text, fields)
    text, fields = kinds["installer"]
    if fields.get("InstallerType") != "portable":
        raise Bad("the winget installer is not portable")
    entries = re.findall(r"- Architecture: (\w+)\n\s+InstallerUrl: (\S+)\n\s+InstallerSha256: ([0-9A-F]{64})", text)
    if sorted(a for a, _, _ in entries) != ["arm64", "x64"]:
        raise Bad(f"winget installers for {[a for a, _, _ in entries]}")
    for arch, url, sha in entries:
        if digest(named(dist, base, url)).upper() != sha:
            raise Bad(f"the winget {arch} InstallerSha256 is not its file's")
    for key in ("Publisher", "PackageName", "License", "ShortDescription"):
        if key not in kinds["defaultLocale"][1]:
            raise Bad(f"the winget locale file has no {key}")
    said.append("winget manifests (version, installer: portable x64 and arm64, locale)")
    # APKBUILD: the variables abuild needs, the functions, the source archive's sha512.
    ab = m("alpine/APKBUILD")
    for var in ("pkgname", "pkgver", "pkgrel", "pkgdesc", "url", "arch", "license", "makedepends", "source"):
        if not re.search(rf"^{var}=", ab, re.M):
            raise Bad(f"the APKBUILD has no {var}")
    if not re.search(rf"^pkgname={re.escape(NAME)}", ab, re.M) or f"pkgver={version}\n" not in ab:
        raise Bad("the APKBUILD's pkgname or pkgver")
    for fn in ("build", "check", "package"):
        if not re.search(rf"^{fn}\(\) {{$", ab, re.M):
            raise Bad(f"the APKBUILD has no {fn}()")
    src = re.search(r'^source="([^"]+)"$', ab, re.M).group(1)
    sums = re.search(r'^sha512sums="\n([0-9a-f]{128})  (\S+)\n"$', ab, re.M)
    if not sums or digest(named(dist, base, src), "sha512") != sums.group(1) or not src.endswith("/" + sums.group(2)):
        raise Bad("the APKBUILD's sha512sums is not its source's")
    said.append("APKBUILD")
    return said


def main(argv):
    try:
        if argv[:1] == ["write"] and len(argv) == 2:
            write(argv[1])
        elif argv[:1] == ["check"] and len(argv) == 2:
            print(f"{argv[1]}/manifests: " + "; ".join(check(argv[1])) + ": each hash its file's")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Bad, Missing, OSError, ValueError, KeyError, AttributeError) as e:
        print(f"manifests: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
