#!/usr/bin/env python3
"""The code a cache hit runs and the read-only data it reads, placed first in the musl Linux builds.

    hot_code.py write LACKEY MAP OBJECTS TEXT_LD DATA   # scripts/hot-code.sh
    hot_code.py script DATA OBJECT...                              # scripts/hot-link.sh

Why: on a page fault in a file-backed mapping the kernel maps up to 64 KiB of the file around it
(fault-around), so a hit costs a fault per 64 KiB window of code and of read-only data it touches.
Left where the linker puts them, what a hit uses is spread over 1.5 MB of code and 0.5 MB of data.

`write` reads a hit of the release build run under lackey (every instruction it ran, every
address it loaded), that build's link map and its objects, and writes two lists:
- TEXT_LD, a linker script naming the input section of each function (and the object of any
  assembly) it ran, with what changes between builds left open (see `pattern`);
- DATA, the read-only data it read: input sections named after something (a function's jump
  table, a C static, the merged strings and constants of an object) as patterns, and LLVM's
  anonymous constants (`.rodata..Lanon.<hash>.<n>`), whose numbers change with every edit
  elsewhere in the crate, by what they hold: a fingerprint of their bytes as the object file
  has them (before relocation) and of their relocations.
`script` turns DATA into a linker script for one link, naming the anonymous constants of these
objects whose fingerprints match: scripts/hot-link.sh runs it just before the real link.
A stale list costs faults, never correctness: whatever it no longer names is placed with the rest.
"""
import hashlib
import re
import struct
import sys

# What a hit uses that lackey does not see: musl's lookup of clock_gettime in the vDSO, which
# valgrind hides (strcmp, and the names it compares: clock_gettime.o's strings); fstat's ""
# (AT_EMPTY_PATH), read by the kernel, not by a load; and `.fini`, musl's exit through
# crti/crtn, a section named after no function.
NATIVE_ONLY_TEXT = ["*(.text.strcmp)", "*(.fini)"]
NATIVE_ONLY_DATA = ["*(.rodata.cgt_init.str1.1)", "*(.rodata.__fstat.str1.1)"]

# Where the section starts. x86-64's GNU ld keeps code apart from data (-z separate-code): a
# section inserted before .rodata would still be in the code's (executable) segment, so it
# starts the read-only data segment itself, as .rodata would (the page it skips costs no more
# than a few KiB of the file). aarch64's keeps them together in one segment, whose pages are
# 64 KiB apart: there that skip would cost 64 KiB, and the section simply follows the code.
ARENA = "*(.bss.*27docker_credential_ecr_login9ALLOCATOR)"

SEGMENT = {62: ' SEGMENT_START("rodata-segment", ALIGN(CONSTANT (MAXPAGESIZE)) + (. & (CONSTANT (MAXPAGESIZE) - 1)))'}


def pattern(name):
    """A section name with what changes between builds left open: a legacy name's 17h<hash>E, a
    v0 name's crate disambiguators (Cs<hash>_), the number LLVM or GCC appends to a local copy
    (.<n>), and the crate a generic function was instantiated for (LTO keeps one of identical
    copies, not always the same crate's)."""
    if name.startswith("_R") or "._R" in name:  # the last crate, when it ends the name
        for m in re.finditer(r"Cs[0-9A-Za-z]+_([0-9]+)", name):
            if m.end() + int(m.group(1)) == len(name):
                name = name[: m.start()] + "*"
                break
    name = re.sub(r"17h[0-9a-f]{16}E", "17h*E", name)
    name = re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", name)
    return re.sub(r"\.[0-9]+$", ".*", name)


def object_glob(path):
    """An object as a linker script names it, the archive's and member's hashes left open:
    `*libring-*.rlib:*-sha256-x86_64-elf.o`, `*libc.a:memcpy.lo`, `*crt1.o`."""
    a = re.match(r"^(.*)\((.*)\)$", path)
    archive, member = (a.group(1), a.group(2)) if a else (None, path)
    glob = "*" + re.sub(r"-[0-9a-f]{16}\.rlib$", "-*.rlib", archive.rsplit("/", 1)[-1]) + ":" if archive else "*"
    member = member.rsplit("/", 1)[-1]
    if member.endswith(".rcgu.o"):  # the crate's own code after LTO: crate and hashes vary
        return "*.rcgu.o"
    return glob + re.sub(r"^[0-9a-f]{16}-", "*-", member)


def input_sections(link_map, kind):
    """(address, size, section name, object) of every input section placed in an output section
    of that kind (.text: .text and .text.hot; .rodata: .rodata and .rodata.hot)."""
    found, lines, inside = [], open(link_map).read().split("\n"), False
    for i, line in enumerate(lines):
        if re.match(r"^\.\S", line):
            inside = line.split()[0] in (kind, kind + ".hot")
            continue
        if not inside:
            continue
        m = re.match(r"^ (\.\S+)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?$", line)
        if m and not m.group(2) and i + 1 < len(lines):  # a long name: its address on the next line
            m2 = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", lines[i + 1])
            if m2:
                found.append((int(m2.group(1), 16), int(m2.group(2), 16), m.group(1), m2.group(3)))
        elif m and m.group(2):
            found.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1), m.group(4)))
    return [s for s in found if s[1]]


def containing(sections, addresses):
    """The sections that hold any of the addresses."""
    sections = sorted(sections)
    hit, i = set(), 0
    for a in sorted(addresses):
        while i < len(sections) and sections[i][0] + sections[i][1] <= a:
            i += 1
        if i < len(sections) and sections[i][0] <= a:
            hit.add(sections[i])
    return hit


def elf_sections(path):
    """{name: (bytes, [(offset, type, addend)])} of the PROGBITS sections of an ELF64 LE object."""
    data = open(path, "rb").read()
    if data[:6] != b"\x7fELF\x02\x01":
        return {}
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize) for k in range(shnum)]
    strtab = headers[shstrndx]

    def name(h):
        start = strtab[4] + h[0]
        return data[start : data.index(b"\0", start)].decode()

    out, relocs = {}, {}
    for k, h in enumerate(headers):
        if h[1] == 1:  # SHT_PROGBITS
            out[k] = (name(h), data[h[4] : h[4] + h[5]])
        elif h[1] == 4:  # SHT_RELA: offset, info (type in the low half), addend
            relocs[h[7]] = [
                (off, info & 0xFFFFFFFF, add)
                for off, info, add in struct.iter_unpack("<QQq", data[h[4] : h[4] + h[5]])
            ]
    return {n: (b, sorted(relocs.get(k, []))) for k, (n, b) in out.items()}


def fingerprint(content, relocations):
    """What an anonymous constant holds, the same in every build that holds it: its bytes before
    relocation and where and how each relocation applies (not to which symbol: symbols are
    anonymous too)."""
    h = hashlib.sha256(struct.pack("<Q", len(content)) + content)
    for off, kind, addend in relocations:
        h.update(struct.pack("<QIq", off, kind, addend))
    return h.hexdigest()[:24]


def is_anonymous(name):
    return name.startswith(".rodata..Lanon.")


def write(lackey, link_map, kept, text_ld, data_out):
    ran, loads = set(), set()
    for line in open(lackey):
        kind = line[:3]
        if kind == "I  ":
            ran.add(int(line[3:].split(",")[0], 16))
        elif kind in (" L ", " M "):
            loads.add(int(line[3:].split(",")[0], 16))
    # The input section each instruction came from (the link map): a function's own, or the
    # object's one .text for assembly (musl's memcpy, crt1's _start).
    text = containing(input_sections(link_map, ".text"), ran)
    names = sorted({s[2][len(".text.") :] for s in text if s[2].startswith(".text.")})
    objects = sorted({object_glob(s[3]) for s in text if s[2] == ".text"})
    if len(names) < 100:
        sys.exit(f"hot-code: only {len(names)} functions found in a hit; is this the right binary?")
    patterns = sorted({pattern(n) for n in names})
    with open(text_ld, "w") as f:
        f.write(
            "/* The functions a cache hit runs, first in the code: written by scripts/hot-code.sh, read by\n"
            "   scripts/build-static.sh (the musl Linux builds). Rust's hashes are left open (Cs*_, 17h*E). */\n"
            "SECTIONS\n{\n  .text.hot :\n  {\n"
        )
        for o in objects:
            f.write(f"    {o}(.text)\n")
        for p in patterns:
            f.write(f"    *(.text.{p})\n")
        for p in NATIVE_ONLY_TEXT:
            f.write(f"    {p}\n")
        f.write("  }\n}\nINSERT BEFORE .text;\n")
        # The allocator's arena (src/local/arena.rs) after the other zero-initialised statics,
        # which a hit writes here and there: among them, it would spread them over more pages.
        f.write(f"SECTIONS\n{{\n  .bss.arena (NOLOAD) :\n  {{\n    {ARENA}\n  }}\n}}\nINSERT AFTER .bss;\n")

    data = containing(input_sections(link_map, ".rodata"), loads)
    lines, objects_read = set(), {}
    for _, _, name, obj in data:
        if is_anonymous(name):
            obj = kept + "/" + obj.rsplit("/", 1)[-1]  # kept by scripts/hot-link.sh
            if obj not in objects_read:
                objects_read[obj] = elf_sections(obj)
            content, relocations = objects_read[obj].get(name, (None, None))
            if content is None:
                sys.exit(f"hot-code: {name} is not in {obj}")
            lines.add(f"anonymous {fingerprint(content, relocations)}")
        elif re.match(r"^\.rodata(\.str[0-9.]*|\.cst[0-9]+)?$", name) or ".str1." in name and not name.startswith(".rodata._"):
            lines.add(f"section {object_glob(obj)}({name})")  # an object's merged strings or constants
        else:
            lines.add(f"section *({pattern(name)})")
    with open(data_out, "w") as f:
        f.write(
            "# The read-only data a cache hit reads, first in the data: written by scripts/hot-code.sh,\n"
            "# turned into a linker script for each link by scripts/hot-link.sh (scripts/hot_code.py script).\n"
            "# section GLOB: an input section by name; anonymous FINGERPRINT: an LLVM constant by content.\n"
        )
        for p in NATIVE_ONLY_DATA:
            f.write(f"section {p}\n")
        for line in sorted(lines):
            f.write(line + "\n")
    anonymous = sum(1 for line in lines if line.startswith("anonymous"))
    print(
        f"hot-code: {len(names)} functions and {len(objects)} objects' code of a hit, {len(patterns)} patterns -> {text_ld}; "
        f"{len(data)} sections of read-only data ({sum(s[1] for s in data)} bytes, {anonymous} anonymous) -> {data_out}"
    )


def script(data_file, objects):
    sections, wanted = [], {}
    for line in open(data_file):
        if line.startswith("section "):
            sections.append(line.split(" ", 1)[1].strip())
        elif line.startswith("anonymous "):
            wanted[line.split()[1]] = 0
    anonymous = []
    for obj in objects:
        for name, (content, relocations) in sorted(elf_sections(obj).items()):
            if is_anonymous(name):
                f = fingerprint(content, relocations)
                if f in wanted:
                    wanted[f] += 1
                    anonymous.append(name)
    print("/* The read-only data a cache hit reads, first (scripts/hot_code.py script). */")
    machine = 0
    if objects:
        with open(objects[0], "rb") as f:
            machine, = struct.unpack_from("<H", f.read(20), 18)
    print(f"SECTIONS\n{{\n  .rodata.hot{SEGMENT.get(machine, '')} :\n  {{")
    for s in sections:
        print(f"    {s}")
    for name in anonymous:
        print(f"    *({name})")
    print("  }\n}\nINSERT BEFORE .rodata;")
    found = sum(1 for n in wanted.values() if n)
    print(f"hot-link: {found} of the {len(wanted)} constants of scripts/hot-data.txt found", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "write":
        write(*sys.argv[2:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "script":
        script(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
