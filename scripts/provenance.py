#!/usr/bin/env python3
"""Where the release came from: one in-toto Statement v1 with an SLSA provenance v1 predicate,
dist/provenance.intoto.json, and its check.

    scripts/provenance.py write DIST FILE...   FILE... (paths under DIST) are the subjects
    scripts/provenance.py check DIST           every subject's SHA-256 is its file's; every file
                                               SHA256SUMS lists (but this one) is a subject; the
                                               commit is this checkout's; the source archive is
                                               the one in DIST

The predicate names the git commit, the source archive's digest and what built the release:
rustc and cargo, cargo-auditable, Zig and cargo-zigbuild (PyPI), and the Debian packages of the
linkers. It holds no time and no invocation id, so two builds of one commit on one toolchain
give the same bytes. It is not signed here: with a minisign key, scripts/release.sh signs it
with every other file.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from project import Missing, cargo_field, digest  # noqa: E402

HOMEPAGE = cargo_field("homepage")

NAME = "provenance.intoto.json"
CROSS = os.environ.get("CROSS_HOME", os.path.expanduser("~/.cache/ecr-login-cross"))
# The linkers and libraries scripts/cross-setup.sh installs from Debian.
DEBIAN = ["musl-tools", "musl-dev", "musl-dev:arm64", "libunwind-16-dev", "gcc-aarch64-linux-gnu",
          "gcc-mingw-w64-x86-64", "binutils"]


class Bad(Exception):
    pass


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def toolchain():
    """ResourceDescriptors of what built the binaries."""
    out = []
    rustc = dict(line.split(": ", 1) for line in run("rustc", "-vV").splitlines()[1:] if ": " in line)
    if rustc:
        out.append({"name": "rustc", "uri": f"pkg:generic/rustc@{rustc.get('release', '')}",
                    "digest": {"gitCommit": rustc.get("commit-hash", "")},
                    "annotations": {"host": rustc.get("host", ""), "llvm": rustc.get("LLVM version", "")}})
    cargo = run("cargo", "-V")
    if cargo:
        out.append({"name": "cargo", "uri": f"pkg:generic/cargo@{cargo.split()[1]}"})
    installed = run("cargo", "install", "--list", "--root", os.path.join(CROSS, "auditable"))
    auditable = next((line.split()[1].lstrip("v").rstrip(":") for line in installed.splitlines()
                      if line.startswith("cargo-auditable ")), "")
    if auditable:
        out.append({"name": "cargo-auditable", "uri": f"pkg:cargo/cargo-auditable@{auditable}"})
    pip = os.path.join(CROSS, "zig/bin/pip")
    for package in ("ziglang", "cargo-zigbuild"):
        shown = run(pip, "show", package)
        v = next((line.split(": ", 1)[1] for line in shown.splitlines() if line.startswith("Version: ")), "")
        if v:
            out.append({"name": package, "uri": f"pkg:pypi/{package}@{v}"})
    native = run("dpkg", "--print-architecture")
    for package in DEBIAN:
        name, _, want = package.partition(":")
        # One line per installed architecture (musl-dev is installed for two).
        lines = run("dpkg-query", "-W", "-f", "${Architecture} ${Version}\n", name).splitlines()
        found = [line.split(" ", 1) for line in lines if " " in line]
        v = next((ver for arch, ver in found if arch in (want or native, "all")), "")
        if v:
            arch = next(arch for arch, ver in found if ver == v and arch in (want or native, "all"))
            out.append({"name": package, "uri": f"pkg:deb/debian/{name}@{v}?arch={arch}"})
    return out


def statement(dist, files):
    commit = run("git", "rev-parse", "HEAD")
    if not commit:
        raise Bad("not a git checkout: the provenance names the commit")
    ver = cargo_field("version")
    archive = f"docker-credential-ecr-login-{ver}-src.tar.gz"
    if not os.path.isfile(os.path.join(dist, archive)):
        raise Bad(f"{dist}/{archive} is missing")
    subjects = [{"name": f, "digest": {"sha256": digest(os.path.join(dist, f))}} for f in sorted(files)]
    targets = sorted({f.split("/")[0] for f in files if "/" in f})
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": f"{HOMEPAGE}/blob/main/scripts/release.sh",
                "externalParameters": {"repository": HOMEPAGE, "commit": commit, "version": ver,
                                       "targets": targets},
                "internalParameters": {"reproducible": "a second build of the commit on the same "
                                                       "toolchain gives the same bytes"},
                "resolvedDependencies": [
                    {"uri": f"git+{HOMEPAGE}", "digest": {"gitCommit": commit}},
                    {"name": archive, "digest": {"sha256": digest(os.path.join(dist, archive))}},
                ] + toolchain(),
            },
            "runDetails": {"builder": {"id": f"{HOMEPAGE}/blob/main/scripts/release.sh"}},
        },
    }


def render(s):
    return json.dumps(s, indent=2) + "\n"


def sums(dist):
    with open(os.path.join(dist, "SHA256SUMS")) as f:
        return {line.split(None, 1)[1].strip(): line.split()[0] for line in f if line.strip()}


def check(dist):
    s = json.load(open(os.path.join(dist, NAME)))
    if s.get("_type") != "https://in-toto.io/Statement/v1" or s.get("predicateType") != "https://slsa.dev/provenance/v1":
        raise Bad("not an in-toto v1 statement of SLSA provenance v1")
    subjects = {x["name"]: x["digest"]["sha256"] for x in s["subject"]}
    for name, want in subjects.items():
        if digest(os.path.join(dist, name)) != want:
            raise Bad(f"{name}: its SHA-256 is not the subject's")
    listed = {n for n in sums(dist) if n != NAME}
    if listed != set(subjects):
        raise Bad(f"SHA256SUMS and the subjects differ: {sorted(listed ^ set(subjects))}")
    deps = s["predicate"]["buildDefinition"]["resolvedDependencies"]
    commit = run("git", "rev-parse", "HEAD")
    if commit and deps[0]["digest"]["gitCommit"] != commit:
        raise Bad(f"the commit {deps[0]['digest']['gitCommit']} is not this checkout's {commit}")
    archive = deps[1]
    if digest(os.path.join(dist, archive["name"])) != archive["digest"]["sha256"]:
        raise Bad(f"{archive['name']}: not the archive the provenance names")
    names = {d.get("name") for d in deps}
    for tool in ("rustc", "cargo", "cargo-auditable"):
        if tool not in names:
            raise Bad(f"the provenance does not name {tool}")
    return f"{len(subjects)} subjects, each digest true; commit {deps[0]['digest']['gitCommit'][:12]}; {len(deps) - 2} tools"


def main(argv):
    try:
        if argv[:1] == ["write"] and len(argv) > 2:
            dist = argv[1]
            text = render(statement(dist, argv[2:]))
            with open(os.path.join(dist, NAME), "w") as f:
                f.write(text)
        elif argv[:1] == ["check"] and len(argv) == 2:
            print(f"{argv[1]}/{NAME}: {check(argv[1])}")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Bad, Missing, OSError, ValueError, KeyError, IndexError) as e:
        print(f"provenance: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
