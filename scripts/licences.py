#!/usr/bin/env python3
"""The licence notices of everything compiled into the release binaries, and their check.

    scripts/licences.py write VENDOR OUT     write OUT from the lock file and VENDOR's sources
    scripts/licences.py check OUT BINARY...  fail if a crate a binary was built from is not in OUT

`write` asks cargo which crates each release target compiles into the binary (normal
dependencies, no proc-macros, per target: `cargo tree`, which reads Cargo.lock), adds the Rust
standard library and its own dependencies (from rust-src's lock file), and copies each crate's
licence files from the vendored sources (`cargo vendor --versioned-dirs`), each distinct text
once. The C parts linked statically (musl, glibc, mingw-w64, LLVM's libunwind, Zig's compiler_rt) are named with
the texts their Debian packages or Zig carry. It fails when a crate has no licence file.

`check` reads the crate paths the compiler left in each binary (panic locations:
`/deps/NAME-VERSION/...`, remapped by scripts/build-static.sh) and fails when one of those
crates is not in the notices: a dependency added without its notice cannot ship.
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

def read_targets():
    """Target name -> (Rust triple, route), from scripts/targets.tsv (the one table of targets)."""
    table = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets.tsv")
    rows = {}
    with open(table) as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                rows[fields[0]] = (fields[1], fields[2])
    return rows


ROWS = read_targets()
TARGETS = {name: triple for name, (triple, _) in ROWS.items()}


def where(linked):
    """The targets whose (triple, route) the predicate says link a C part."""
    return [name for name, row in ROWS.items() if linked(*row)]


ZIG = glob.glob(os.path.join(os.environ.get("CROSS_HOME", os.path.expanduser("~/.cache/ecr-login-cross")),
                             "zig/lib/python3*/site-packages/ziglang"))
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|UNLICENSE|NOTICE|COPYRIGHT)([-_.].*)?$", re.I)
# The C libraries linked into the binaries, and where their licence texts are on a machine
# that builds them (scripts/cross-setup.sh installs the packages).
# Musl comes from Debian (the musl route) or from Zig (the zig route: the same musl), libunwind
# from Debian's LLVM or from Zig's copy of LLVM's; Zig links its compiler_rt into what it links.
C_PARTS = [
    ("musl libc", "MIT", where(lambda triple, route: "-musl" in triple),
     ["/usr/share/doc/musl-dev/copyright", "/usr/share/doc/musl/copyright"]),
    ("LLVM libunwind", "Apache-2.0 WITH LLVM-exception", where(lambda triple, route: "-musl" in triple or triple.endswith("-gnullvm")),
     ["/usr/share/doc/libunwind-16-dev/copyright"] + [os.path.join(z, "lib/libunwind/LICENSE.TXT") for z in ZIG]),
    ("GNU C Library (static)", "LGPL-2.1-or-later", where(lambda triple, route: route == "glibc"),
     ["/usr/share/doc/libc6-dev/copyright", "/usr/share/doc/libc6/copyright"]),
    ("mingw-w64 runtime", "ZPL-2.1 and public domain", where(lambda triple, route: "-windows-" in triple),
     ["/usr/share/doc/mingw-w64-common/copyright", "/usr/share/doc/mingw-w64-x86-64-dev/copyright"]),
    ("GCC runtime libraries (libgcc)", "GPL-3.0-or-later WITH GCC-exception-3.1", where(lambda triple, route: route == "mingw"),
     ["/usr/share/doc/gcc-mingw-w64-base/copyright", "/usr/share/doc/gcc-mingw-w64-x86-64/copyright"]),
    ("Zig's compiler_rt", "MIT", where(lambda triple, route: route == "zig"),
     [os.path.join(z, "LICENSE") for z in ZIG]),
]
SYSROOT = subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True, text=True).stdout.strip()
SPDX_DIR = os.path.join(SYSROOT, "share/doc/rust/licenses") if os.path.isdir(os.path.join(SYSROOT, "share/doc/rust/licenses")) else None
PATH_IN_BINARY = re.compile(rb"/deps/([A-Za-z0-9_][A-Za-z0-9_.+-]*?)-(\d+\.\d+\.\d+(?:[-+][A-Za-z0-9.]+)?)/")


def cargo_tree(target, manifest=None, package=None, features=()):
    cmd = ["cargo", "tree", "--locked", "-e", "normal", "-e", "no-proc-macro", "--target", target,
           "--prefix", "none", "-f", "{p}|{l}"]
    env = dict(os.environ)
    if manifest:
        cmd = ["cargo", "tree", "--offline", "--manifest-path", manifest, "-p", package, *features] + cmd[3:]
        env["RUSTC_BOOTSTRAP"] = "1"
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    crates = {}
    for line in out.splitlines():
        if "|" not in line:
            continue
        spec, licence = line.replace(" (*)", "").split("|", 1)
        parts = spec.split()
        if len(parts) != 2:
            continue  # a path crate, `name vX (/path)`: ours, or the standard library's own
        name, version = parts[0], parts[1].lstrip("v")
        crates[(name, version)] = licence.strip() or "(see the texts)"
    return crates


def std_crates(target):
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True, text=True).stdout.strip()
    manifest = os.path.join(sysroot, "lib/rustlib/src/rust/library/Cargo.toml")
    if not os.path.exists(manifest):
        sys.exit(f"licences: rust-src is not installed ({manifest}); scripts/cross-setup.sh source")
    # With `backtrace`, as the prebuilt standard library and -Zbuild-std's default build it.
    return cargo_tree(target, manifest, "std", ["-F", "backtrace"])


def licence_texts(vendor, name, version, licence):
    folder = os.path.join(vendor, f"{name}-{version}")
    if not os.path.isdir(folder):
        return []
    files = sorted(f for f in os.listdir(folder) if LICENCE_FILE.match(f))
    if files:
        return [(f, open(os.path.join(folder, f), encoding="utf-8", errors="replace").read()) for f in files]
    # A crate that ships no licence file (base64-simd, vsimd): the SPDX text of its licence,
    # with its authors, from its Cargo.toml, as the copyright holders.
    spdx = SPDX_DIR and os.path.join(SPDX_DIR, f"{licence.split(' OR ')[0].strip()}.txt")
    if not spdx or not os.path.exists(spdx):
        return []
    manifest = open(os.path.join(folder, "Cargo.toml")).read()
    authors = re.search(r"^authors\s*=\s*\[(.*?)\]", manifest, re.M | re.S)
    names = ", ".join(re.findall(r'"([^"]+)"', authors.group(1))) if authors else "its authors"
    text = (f"(The crate ships no licence file; its Cargo.toml says {licence}. The standard text follows,\n"
            f"copyright its authors: {names}.)\n\n" + open(spdx).read())
    return [(f"{licence} (standard text)", text)]


# Build-dependencies whose data, not code, is compiled into every binary (build.rs turns
# Mozilla's roots into trust anchors): named with their licence like any crate.
DATA_CRATES = {"webpki-root-certs": "CDLA-Permissive-2.0"}


def locked_version(name):
    lock = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cargo.lock")).read()
    found = re.search(r'name = "' + re.escape(name) + r'"\nversion = "([^"]+)"', lock)
    if not found:
        sys.exit(f"licences: {name} is not in Cargo.lock")
    return found.group(1)


def write(vendor, out):
    crates = {}  # (name, version) -> (licence, set of targets, "crate" or "std")
    for name, licence in DATA_CRATES.items():
        crates[(name, locked_version(name))] = [licence, set(TARGETS), "crate"]
    for dist, target in TARGETS.items():
        for key, licence in cargo_tree(target).items():
            if key[0] == "docker-credential-ecr-login":
                continue
            crates.setdefault(key, [licence, set(), "crate"])[1].add(dist)
        for key, licence in std_crates(target).items():
            crates.setdefault(key, [licence, set(), "std"])[1].add(dist)
    texts, missing, rows = {}, [], []
    for (name, version), (licence, dists, kind) in sorted(crates.items()):
        found = licence_texts(vendor, name, version, licence)
        if not found:
            missing.append(f"{name} {version}")
        refs = []
        for file, text in found:
            digest = hashlib.sha256(text.strip().encode()).hexdigest()[:12]
            texts.setdefault(digest, (text, []))[1].append(f"{name} {version} ({file})")
            refs.append(digest)
        rows.append((name, version, licence, dists, kind, refs))
    if missing:
        sys.exit("licences: no licence file in the vendored sources of: " + ", ".join(missing))
    everywhere = set(TARGETS)
    with open(out, "w") as f:
        f.write("Third-party licence notices for docker-credential-ecr-login\n"
                "=============================================================\n\n"
                "The release binaries are compiled from the crates below (from Cargo.lock, per target:\n"
                "normal dependencies, no proc-macros), the Rust standard library and its own\n"
                "dependencies, and statically linked C libraries. Each licence text follows once, with\n"
                "the crates that carry it. The trusted root certificates are Mozilla's root store\n"
                "(the Mozilla CA Certificate Program, distributed under the Mozilla Public License 2.0),\n"
                "as packaged by the webpki-root-certs crate under CDLA-Permissive-2.0.\n"
                "docker-credential-ecr-login itself is Apache-2.0 (LICENSE).\n\n")
        f.write(f"{'crate':32} {'version':12} {'licence':40} targets\n")
        for name, version, licence, dists, kind, refs in rows:
            where = "all" if dists == everywhere else ", ".join(sorted(dists))
            label = name + (" (std)" if kind == "std" else "")
            f.write(f"{label:32} {version:12} {licence:40} {where} [texts: {', '.join(refs)}]\n")
        f.write("\nStatically linked C libraries:\n")
        c_texts = []
        for name, licence, dists, paths in C_PARTS:
            path = next((p for p in paths if os.path.exists(p)), None)
            f.write(f"  {name}: {licence}; in {', '.join(dists)}"
                    + (f" [text: {path}]" if path else " [text: see the project's upstream]") + "\n")
            if path:
                c_texts.append((name, path, open(path, encoding="utf-8", errors="replace").read()))
        sysroot = subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True, text=True).stdout.strip()
        std_texts = [os.path.join(sysroot, "share/doc/rust/licenses", n) for n in ("MIT.txt", "Apache-2.0.txt", "LLVM-exception.txt")]
        std_texts = [p for p in std_texts if os.path.exists(p)]
        f.write("  The Rust standard library (std, core, alloc, compiler_builtins, unwind, panic_abort):\n"
                "  MIT OR Apache-2.0, compiler_builtins also Apache-2.0 WITH LLVM-exception"
                + (" [texts: the toolchain's " + ", ".join(os.path.basename(p) for p in std_texts) + "]"
                   if std_texts else " (texts as for the crates above)") + "\n\n")
        c_texts += [("The Rust standard library", "the toolchain's " + os.path.basename(p), open(p).read())
                    for p in std_texts]
        for digest, (text, owners) in texts.items():
            f.write(f"\n---- text {digest}, carried by: {'; '.join(owners)}\n\n{text.rstrip()}\n")
        for name, path, text in c_texts:
            f.write(f"\n---- {name} ({path})\n\n{text.rstrip()}\n")
    print(f"licences: {len(rows)} crates, {len(texts)} distinct texts, {len(c_texts)} C libraries -> {out}")


def check(notices, binaries):
    listed = set()
    for line in open(notices):
        m = re.match(r"^(\S+)(?: \(std\))?\s+(\S+)\s", line)
        if m:
            listed.add((m.group(1), m.group(2)))
    bad = False
    for binary in binaries:
        seen = {(n.decode(), v.decode()) for n, v in PATH_IN_BINARY.findall(open(binary, "rb").read())}
        if not seen:
            print(f"{binary}: no crate paths found; the check cannot see what it was built from", file=sys.stderr)
            bad = True
        lacking = sorted(seen - listed)
        if lacking:
            print(f"{binary}: built from crates missing from {notices}: "
                  + ", ".join(f"{n} {v}" for n, v in lacking), file=sys.stderr)
            bad = True
        else:
            print(f"{binary}: all {len(seen)} crates it names are in the notices")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["write"] and len(sys.argv) == 4:
        write(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["check"] and len(sys.argv) >= 4:
        sys.exit(check(sys.argv[2], sys.argv[3:]))
    else:
        sys.exit(__doc__)
