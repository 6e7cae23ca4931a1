"""What the release scripts read about the project and its files, in one place: a field of
Cargo.toml, the commit's time (every time written into a release), a file's digest."""
import hashlib
import os
import subprocess


class Missing(Exception):
    pass


def cargo_field(key):
    """`version`, `homepage`, `license`, ... of the package in Cargo.toml."""
    for line in open("Cargo.toml"):
        if line.startswith(f"{key} = "):
            return line.split('"')[1]
    raise Missing(f"no {key} in Cargo.toml")


def source_date_epoch():
    """SOURCE_DATE_EPOCH, else the commit's time; None outside a git checkout."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or subprocess.run(
        ["git", "log", "-1", "--format=%ct"], capture_output=True, text=True).stdout.strip()
    return int(epoch) if epoch else None


def digest(path, alg="sha256"):
    """The hex digest of a file, read in blocks."""
    h = hashlib.new(alg)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
