#!/usr/bin/env python3
"""Writes the helper's OCI image as an OCI archive, without a container daemon.

    scripts/oci-image.py DIST VERSION REVISION

The image holds nothing but /docker-credential-ecr-login (for `COPY --from=IMAGE
/docker-credential-ecr-login /usr/local/bin/` in multi-stage builds, and for mirroring into a
private registry). It is an image index of every static Linux binary of the release (PLATFORMS:
DIST/linux-amd64 as linux/amd64, DIST/linux-armv7 as linux/arm/v7, ...), written to
DIST/docker-credential-ecr-login-oci.tar; the archive's
index.json points at that index, named VERSION, so `skopeo copy oci-archive:FILE ...` needs no
name. The same binaries give the same bytes: fixed times, owners and modes, sorted entries.
"""

import gzip
import hashlib
import io
import json
import sys
import tarfile

BINARY = "docker-credential-ecr-login"
# dist folder, GOARCH, variant: the names the OCI image index's `platform` uses (Go's).
PLATFORMS = [("linux-amd64", "amd64", None), ("linux-arm64", "arm64", "v8"), ("linux-armv7", "arm", "v7"),
             ("linux-armv6", "arm", "v6"), ("linux-ppc64le", "ppc64le", None), ("linux-s390x", "s390x", None),
             ("linux-riscv64", "riscv64", None)]
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
EPOCH = "1970-01-01T00:00:00Z"


def tar_bytes(entries):
    """A tar of (name, bytes, mode) in the given order; every header fixed but name and size."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    dist, version, revision = sys.argv[1:]
    blobs = {}

    def blob(data, media_type, **extra):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return dict(mediaType=media_type, digest=digest, size=len(data), **extra)

    annotations = {
        "org.opencontainers.image.title": BINARY,
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.licenses": "Apache-2.0",
        "org.opencontainers.image.created": EPOCH,
    }
    manifests = []
    for folder, arch, variant in PLATFORMS:
        with open(f"{dist}/{folder}/{BINARY}", "rb") as f:
            binary = f.read()
        layer = tar_bytes([(BINARY, binary, 0o755)])
        platform = {"architecture": arch, "os": "linux"}
        if variant:
            platform["variant"] = variant
        config = dict(
            platform,
            created=EPOCH,
            config={"Entrypoint": [f"/{BINARY}"], "Cmd": ["version"]},
            rootfs={"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
            history=[{"created": EPOCH, "created_by": f"scripts/oci-image.py: /{BINARY}"}],
        )
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": blob(canonical(config), CONFIG),
            "layers": [blob(gzip.compress(layer, compresslevel=9, mtime=0), LAYER)],
            "annotations": annotations,
        }
        manifests.append(blob(canonical(manifest), MANIFEST, platform=platform))
    index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests, "annotations": annotations}
    top = {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": [
            blob(canonical(index), INDEX, annotations={"org.opencontainers.image.ref.name": version})
        ],
    }
    entries = [("blobs", None, 0o755), ("blobs/sha256", None, 0o755)]
    entries += [(f"blobs/sha256/{d[7:]}", blobs[d], 0o644) for d in sorted(blobs)]
    entries += [("index.json", canonical(top), 0o644), ("oci-layout", canonical({"imageLayoutVersion": "1.0.0"}), 0o644)]
    path = f"{dist}/{BINARY}-oci.tar"
    with open(path, "wb") as f:
        f.write(tar_bytes(entries))
    names = ", ".join("/".join(["linux", arch] + ([variant] if variant else [])) for _, arch, variant in PLATFORMS)
    print(f"wrote {path}: image index {top['manifests'][0]['digest']} ({names})", file=sys.stderr)


if __name__ == "__main__":
    main()
