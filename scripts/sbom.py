#!/usr/bin/env python3
"""A CycloneDX 1.6 SBOM beside each release binary, made from what the binary itself says it
was built from (the dependency list `cargo auditable` links into it), and the check of them:

    scripts/sbom.py write FILE...   FILE.cdx.json beside each binary
    scripts/sbom.py check FILE...   each SBOM names its binary's SHA-256 and exactly the crates
                                    of the binary's own list, with Cargo.lock's checksums, and
                                    is valid against CycloneDX's schema (cyclonedx-python-lib,
                                    offline: run with the Python that has it)

The binary is the metadata component, with its SHA-256; each crate linked into it (the list's
crates but the build-time ones) is a component: `pkg:cargo/NAME@VERSION`, its licence (from
`cargo metadata`) and Cargo.lock's checksum (the SHA-256 of the `.crate` file crates.io
serves); the crate graph is the dependencies. No serial number and no time but the commit's
(`SOURCE_DATE_EPOCH`, else the commit's date): two builds give the same bytes.
"""
import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import binaries  # noqa: E402
from project import Missing, cargo_field, source_date_epoch  # noqa: E402

HOMEPAGE = cargo_field("homepage")

ROOT = "docker-credential-ecr-login"


class Bad(Exception):
    pass


def licences():
    """name@version → the SPDX expression its manifest declares."""
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True, capture_output=True, text=True).stdout)
    out = {}
    for p in meta["packages"]:
        # The old `A/B` form means `A OR B`.
        expr = (p.get("license") or "").replace("/", " OR ")
        out[f"{p['name']}@{p['version']}"] = expr
    return out


def linked(data):
    """The crates linked into the binary (all but the build-time ones), and their graph."""
    crates, graph = {}, {}
    for listed in binaries.dependency_lists(data):
        packages = listed["packages"]
        for p in packages:
            if p.get("kind") == "build":
                continue
            key = f"{p['name']}@{p['version']}"
            crates[key] = p
            deps = graph.setdefault(key, set())
            for i in p.get("dependencies", []):
                d = packages[i]
                if d.get("kind") != "build":
                    deps.add(f"{d['name']}@{d['version']}")
    return crates, graph


def purl(key):
    return f"pkg:cargo/{key}"


def sbom(path):
    data = open(path, "rb").read()
    crates, graph = linked(data)
    lock, licence = binaries.lock_versions(), licences()
    root = [k for k, p in crates.items() if p.get("root")]
    if len(root) != 1 or not root[0].startswith(ROOT + "@"):
        raise Bad(f"{path}: the list's root is {root}")
    root = root[0]
    version = root.split("@", 1)[1]
    components = []
    for key in sorted(k for k in crates if k != root):
        name, ver = key.split("@", 1)
        checksum = lock.get((name, ver))
        if not checksum:
            raise Bad(f"{path}: {key} has no checksum in Cargo.lock")
        c = {"type": "library", "bom-ref": purl(key), "name": name, "version": ver,
             "purl": purl(key), "hashes": [{"alg": "SHA-256", "content": checksum}]}
        if licence.get(key):
            c["licenses"] = [{"expression": licence[key]}]
        components.append(c)
    ref = lambda k: f"{ROOT}@{version}" if k == root else purl(k)
    metadata = {}
    epoch = source_date_epoch()
    if epoch is not None:
        metadata["timestamp"] = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata["tools"] = {"components": [
        {"type": "application", "name": "cargo-auditable", "description": "wrote the dependency list into the binary"},
        {"type": "application", "name": "scripts/sbom.py", "description": "wrote this file from that list"}]}
    metadata["component"] = {
        "type": "application", "bom-ref": f"{ROOT}@{version}", "name": ROOT, "version": version,
        "hashes": [{"alg": "SHA-256", "content": hashlib.sha256(data).hexdigest()}],
        "licenses": [{"expression": licence.get(root, "Apache-2.0")}],
        "externalReferences": [{"type": "website", "url": HOMEPAGE}],
        "properties": [{"name": "ecr-login:file", "value": os.path.basename(path)}],
    }
    dependencies = [{"ref": ref(k), "dependsOn": sorted(ref(d) for d in graph[k])}
                    for k in sorted(graph, key=lambda k: (k != root, k))]
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": metadata,
            "components": components, "dependencies": dependencies}


def render(bom):
    return json.dumps(bom, indent=2) + "\n"


def check(path):
    text = open(path + ".cdx.json").read()
    want = render(sbom(path))
    if text != want:
        raise Bad(f"{path}.cdx.json is not what the binary's own dependency list and Cargo.lock give")
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
    except ImportError:
        raise Bad("cyclonedx-python-lib is not installed: pip install 'cyclonedx-python-lib[json-validation]'")
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise Bad(f"{path}.cdx.json is not valid CycloneDX 1.6: {error}")
    bom = json.loads(text)
    return f"{len(bom['components'])} crates, the binary's SHA-256, valid CycloneDX 1.6"


def main(argv):
    try:
        if argv[:1] == ["write"] and len(argv) > 1:
            for path in argv[1:]:
                with open(path + ".cdx.json", "w") as f:
                    f.write(render(sbom(path)))
        elif argv[:1] == ["check"] and len(argv) > 1:
            for path in argv[1:]:
                print(f"{path}.cdx.json: {check(path)}")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Bad, binaries.Bad, Missing, OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        print(f"sbom: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
