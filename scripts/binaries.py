#!/usr/bin/env python3
"""Our own reading of the release binaries (Mach-O for macOS, PE for Windows, ELF for Linux),
written from Apple's, Microsoft's and the ELF ABIs' published formats, not from a tool's output:

    scripts/binaries.py fix FILE            make a Mach-O or PE byte-for-byte reproducible
    scripts/binaries.py check FILE OS ARCH  check it (OS: darwin, windows or linux; ARCH: amd64,
                                            arm64, universal for a fat macOS binary of both,
                                            or for Linux armv7, armv6, ppc64le, s390x, riscv64)
    scripts/binaries.py universal OUT A B   a universal (fat) Mach-O of two thin ones
    scripts/binaries.py deps FILE           print the dependency list cargo auditable embedded
    scripts/binaries.py check-deps FILE TRIPLE
                                            compare that list with `cargo tree` for TRIPLE

`fix` on a Mach-O replaces the LC_UUID (which the linker derives from build paths) with a hash
of the file and recomputes the ad-hoc signature's page hashes; on a PE it zeroes the COFF
TimeDateStamp (zig's linker has no switch for it). `check` verifies, for a Mach-O: an
executable of that CPU, only /usr/lib/libSystem.B.dylib linked, the minimum macOS (11.0 arm64,
10.12 x86_64), and on arm64 an ad-hoc signature whose every page hash matches the file; for a
PE: a console executable of that machine that imports only DLLs every Windows 10/11 has, with
no timestamp; for an ELF: the class, byte order and machine of that CPU, no interpreter and no
shared library (static), and the ABI the target promises (ARM: EABI5 hard-float and the CPU
architecture in .ARM.attributes, v6 or v7; ppc64le: ELFv2; riscv64: RVC, double-float). Exit 1
with the reason when a check fails.

`deps` finds the `.dep-v0` section that `cargo auditable` links into every binary (ELF, PE,
Mach-O thin or universal; cargo-auditable's format: zlib-compressed JSON) with our own reading
of the section tables, and `check-deps` requires its crates to be exactly those
`cargo tree -e normal,build --target TRIPLE` lists (what the binary was built from, and nothing
it was not), every one linked in (`-e normal,no-proc-macro`) to be listed as such, not as a
build-time tool, and all to be in Cargo.lock at those versions.
"""
import hashlib
import json
import struct
import subprocess
import sys
import zlib

# Mach-O (mach-o/loader.h, mach-o/fat.h) and code signing (cs_blobs.h) constants.
MH_MAGIC_64, MH_EXECUTE = 0xFEEDFACF, 2
CPU = {"arm64": 0x0100000C, "amd64": 0x01000007}
LC_UUID, LC_CODE_SIGNATURE, LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX = 0x1B, 0x1D, 0x32, 0x24
LC_DYLIBS = {0xC, 0x80000018, 0x8000001F, 0x20, 0x80000023}  # load, weak, reexport, lazy, upward
CSMAGIC_EMBEDDED_SIGNATURE, CSMAGIC_CODEDIRECTORY = 0xFADE0CC0, 0xFADE0C02
CS_HASHTYPE_SHA256, CS_ADHOC = 2, 0x2
MIN_MACOS = {"arm64": (11, 0), "amd64": (10, 12)}

# PE (Microsoft's PE format): machine types, the console subsystem, DLLs every Windows 10/11 has.
PE_MACHINE = {"amd64": 0x8664, "arm64": 0xAA64}
IMAGE_SUBSYSTEM_WINDOWS_CUI = 3
SYSTEM_DLLS = {"kernel32.dll", "ntdll.dll", "advapi32.dll", "bcrypt.dll", "bcryptprimitives.dll",
               "ws2_32.dll", "msvcrt.dll", "combase.dll", "shell32.dll", "userenv.dll", "ole32.dll",
               "secur32.dll", "crypt32.dll", "ucrtbase.dll"}
SYSTEM_DLL_PREFIXES = ("api-ms-win-core-", "api-ms-win-crt-")  # API sets; UCRT ships with 10/11

# ELF (the System V gABI and each CPU's psABI): class, byte order, machine, and what the ABI
# puts in e_flags, per release target's ARCH. ARM: EABI version 5 (e_flags' top byte) with the
# hard-float flag, and the CPU architecture in .ARM.attributes (ARM's "Addenda to the ABI");
# ppc64le: the ELFv2 ABI (e_flags & 3 == 2); riscv64: compressed instructions and the
# double-float ABI (EF_RISCV_RVC 0x1, EF_RISCV_FLOAT_ABI_DOUBLE 0x4 in the mask 0x6).
ELF_ARCH = {  # ARCH: (64-bit, little-endian, e_machine, name)
    "amd64": (True, True, 62, "x86-64"), "arm64": (True, True, 183, "AArch64"),
    "armv7": (False, True, 40, "ARM"), "armv6": (False, True, 40, "ARM"),
    "ppc64le": (True, True, 21, "PowerPC64"), "s390x": (True, False, 22, "IBM S/390"),
    "riscv64": (True, True, 243, "RISC-V"),
}
ARM_CPU_ARCH = {"armv7": 10, "armv6": 6}  # Tag_CPU_arch: 10 = ARMv7, 6 = ARMv6 (ARM1176 runs v6KZ, 7)
PT_INTERP, PT_DYNAMIC, DT_NEEDED, ET_EXEC, ET_DYN = 3, 2, 1, 2, 3


class Bad(Exception):
    pass


# ---- Mach-O ----

def load_commands(data):
    magic, cputype, _, filetype, ncmds, _, _, _ = struct.unpack_from("<IiiIIIII", data, 0)
    if magic != MH_MAGIC_64:
        raise Bad(f"not a 64-bit little-endian Mach-O (magic {magic:#x})")
    off = 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, off)
        yield off, cmd, size
        off += size


def macho_header(data):
    return struct.unpack_from("<IiiI", data, 0)


def signature(data):
    """(superblob offset, its size, code directory offset) or None."""
    for off, cmd, _ in load_commands(data):
        if cmd == LC_CODE_SIGNATURE:
            dataoff, datasize = struct.unpack_from("<II", data, off + 8)
            magic, _, count = struct.unpack_from(">III", data, dataoff)
            if magic != CSMAGIC_EMBEDDED_SIGNATURE:
                raise Bad(f"the code signature's magic is {magic:#x}")
            for i in range(count):
                _, blob = struct.unpack_from(">II", data, dataoff + 12 + 8 * i)
                if struct.unpack_from(">I", data, dataoff + blob)[0] == CSMAGIC_CODEDIRECTORY:
                    return dataoff, datasize, dataoff + blob
            raise Bad("the code signature has no CodeDirectory")
    return None


def code_directory(data, cd):
    (magic, length, version, flags, hash_off, ident_off, n_special, n_code, code_limit,
     hash_size, hash_type, _, page_log2) = struct.unpack_from(">IIIIIIIIIBBBB", data, cd)
    ident = data[cd + ident_off:data.index(b"\0", cd + ident_off)].decode()
    return {"version": version, "flags": flags, "hash_off": hash_off, "n_code": n_code,
            "code_limit": code_limit, "hash_size": hash_size, "hash_type": hash_type,
            "page": 1 << page_log2 if page_log2 else 0, "ident": ident, "n_special": n_special}


def page_hashes(data, cd, d):
    """Yields (slot offset, the hash the file should have there)."""
    for i in range(d["n_code"]):
        start = i * d["page"]
        end = min(start + d["page"], d["code_limit"])
        yield cd + d["hash_off"] + i * d["hash_size"], hashlib.sha256(data[start:end]).digest()


def fix_macho(data):
    data = bytearray(data)
    sig = signature(data)
    end = sig[0] if sig else len(data)
    uuid_at = next((off + 8 for off, cmd, _ in load_commands(data) if cmd == LC_UUID), None)
    if uuid_at is not None:
        data[uuid_at:uuid_at + 16] = bytes(16)
        uuid = bytearray(hashlib.sha256(data[:end]).digest()[:16])
        uuid[6] = (uuid[6] & 0x0F) | 0x50  # an RFC 4122 name-based (SHA) UUID
        uuid[8] = (uuid[8] & 0x3F) | 0x80
        data[uuid_at:uuid_at + 16] = uuid
    if sig:
        d = code_directory(data, sig[2])
        if d["hash_type"] != CS_HASHTYPE_SHA256 or d["hash_size"] != 32:
            raise Bad("the signature does not hash with SHA-256")
        for slot, digest in page_hashes(data, sig[2], d):
            data[slot:slot + 32] = digest
    return bytes(data)


def version_text(v):
    return f"{v >> 16}.{(v >> 8) & 0xFF}"


def check_macho(data, arch):
    _, cputype, _, filetype = macho_header(data)
    if cputype != CPU[arch]:
        raise Bad(f"CPU type {cputype:#x}, not {arch}")
    if filetype != MH_EXECUTE:
        raise Bad(f"file type {filetype}, not an executable")
    dylibs, minos = [], None
    for off, cmd, _ in load_commands(data):
        if cmd in LC_DYLIBS:
            name_off = struct.unpack_from("<I", data, off + 8)[0]
            dylibs.append(data[off + name_off:data.index(b"\0", off + name_off)].decode())
        elif cmd == LC_BUILD_VERSION:
            minos = struct.unpack_from("<I", data, off + 12)[0]
        elif cmd == LC_VERSION_MIN_MACOSX:
            minos = struct.unpack_from("<I", data, off + 8)[0]
    if dylibs != ["/usr/lib/libSystem.B.dylib"]:
        raise Bad(f"links {dylibs}, not libSystem alone")
    if minos is None:
        raise Bad("no minimum macOS version")
    want = MIN_MACOS[arch]
    if (minos >> 16, (minos >> 8) & 0xFF) != want:
        raise Bad(f"minimum macOS {version_text(minos)}, want {want[0]}.{want[1]}")
    said = [f"Mach-O {arch} executable", "links only /usr/lib/libSystem.B.dylib",
            f"minimum macOS {version_text(minos)}"]
    sig = signature(data)
    if arch == "arm64":
        if not sig:
            raise Bad("arm64 macOS runs only signed code, and this has no signature")
        d = code_directory(data, sig[2])
        if not d["flags"] & CS_ADHOC:
            raise Bad(f"the signature is not ad hoc (flags {d['flags']:#x})")
        if d["hash_type"] != CS_HASHTYPE_SHA256 or d["page"] != 4096:
            raise Bad("the signature does not hash 4 KiB pages with SHA-256")
        if d["code_limit"] != sig[0]:
            raise Bad(f"the signature covers {d['code_limit']} bytes, not all {sig[0]} before it")
        bad = [i for i, (slot, digest) in enumerate(page_hashes(data, sig[2], d))
               if data[slot:slot + 32] != digest]
        if bad:
            raise Bad(f"{len(bad)} of {d['n_code']} page hashes do not match (first: page {bad[0]})")
        if d["n_code"] != -(-d["code_limit"] // 4096):
            raise Bad("the signature does not hash every page")
        said.append(f"ad-hoc signature, all {d['n_code']} page hashes match (identifier {d['ident']})")
    return said


def universal(out, thin):
    """A fat Mach-O: the big-endian header, one fat_arch per slice, each slice 16 KiB aligned."""
    slices = [open(p, "rb").read() for p in thin]
    align = 14
    head = struct.pack(">II", 0xCAFEBABE, len(slices))
    body, offset = b"", 1 << align
    for s in slices:
        _, cputype, cpusub, _ = macho_header(s)
        head += struct.pack(">iiIII", cputype, cpusub, offset, len(s), align)
        pad = (-len(s)) % (1 << align) if s is not slices[-1] else 0
        body += s + bytes(pad)
        offset += len(s) + pad
    with open(out, "wb") as f:
        f.write(head + bytes((1 << align) - len(head)) + body)


# ---- PE ----

def pe_layout(data):
    if data[:2] != b"MZ":
        raise Bad("no MZ header")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise Bad("no PE signature")
    machine, nsections, stamp, _, _, opt_size, chars = struct.unpack_from("<HHIIIHH", data, pe + 4)
    opt = pe + 24
    if struct.unpack_from("<H", data, opt)[0] != 0x20B:
        raise Bad("not PE32+")
    sections = []
    for i in range(nsections):
        s = opt + opt_size + 40 * i
        vsize, va, rawsize, raw = struct.unpack_from("<IIII", data, s + 8)
        sections.append((va, max(vsize, rawsize), raw))
    return {"pe": pe, "machine": machine, "stamp": stamp, "chars": chars, "opt": opt,
            "sections": sections}


def rva_to_offset(layout, rva):
    for va, size, raw in layout["sections"]:
        if va <= rva < va + size:
            return raw + rva - va
    raise Bad(f"RVA {rva:#x} is in no section")


def c_string(data, off):
    return data[off:data.index(b"\0", off)].decode()


def pe_imports(data, layout):
    opt = layout["opt"]
    n_dirs = struct.unpack_from("<I", data, opt + 108)[0]
    names = []
    for index, size in ((1, 20), (13, 32)):  # the import table; the delay-load table
        if index >= n_dirs:
            continue
        rva, length = struct.unpack_from("<II", data, opt + 112 + 8 * index)
        if not rva:
            continue
        off = rva_to_offset(layout, rva)
        while True:
            entry = data[off:off + size]
            if entry == bytes(size):
                break
            name_rva = struct.unpack_from("<I", entry, 12 if index == 1 else 4)[0]
            names.append(c_string(data, rva_to_offset(layout, name_rva)))
            off += size
    return names


def fix_pe(data):
    data = bytearray(data)
    layout = pe_layout(data)
    struct.pack_into("<I", data, layout["pe"] + 8, 0)
    return bytes(data)


def check_pe(data, arch):
    layout = pe_layout(data)
    if layout["machine"] != PE_MACHINE[arch]:
        raise Bad(f"machine {layout['machine']:#x}, not {arch}")
    if not layout["chars"] & 0x2:
        raise Bad("not an executable image")
    subsystem = struct.unpack_from("<H", data, layout["opt"] + 68)[0]
    if subsystem != IMAGE_SUBSYSTEM_WINDOWS_CUI:
        raise Bad(f"subsystem {subsystem}, not the console")
    if layout["stamp"]:
        raise Bad(f"a link time ({layout['stamp']}) in the header: not reproducible")
    dlls = sorted({d.lower() for d in pe_imports(data, layout)})
    foreign = [d for d in dlls if d not in SYSTEM_DLLS and not d.startswith(SYSTEM_DLL_PREFIXES)]
    if foreign:
        raise Bad(f"imports {foreign}, which Windows may not have")
    if not dlls:
        raise Bad("imports nothing: the import table was not read")
    return [f"PE32+ {arch} console executable, no timestamp",
            f"imports only Windows' own DLLs: {', '.join(dlls)}"]


def check_universal(data, _arch):
    """A fat Mach-O of an arm64 and an x86_64 slice, each passing the thin checks."""
    magic, n = struct.unpack_from(">II", data, 0)
    if magic != 0xCAFEBABE:
        raise Bad(f"not a universal Mach-O (magic {magic:#x})")
    arch_of = {v: k for k, v in CPU.items()}
    said, seen = [], set()
    for i in range(n):
        cputype, _, offset, size, _ = struct.unpack_from(">iiIII", data, 8 + 20 * i)
        arch = arch_of.get(cputype)
        if arch is None:
            raise Bad(f"a slice of CPU type {cputype:#x}")
        seen.add(arch)
        said.append(f"{arch} slice: " + ", ".join(check_macho(data[offset:offset + size], arch)))
    if seen != set(CPU):
        raise Bad(f"slices for {sorted(seen)}, want arm64 and amd64")
    return said


# ---- ELF (Linux) ----

def uleb(data, off):
    value = shift = 0
    while True:
        byte = data[off]
        off += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, off


def arm_attributes(section):
    """The public ("aeabi") file-scope attributes of an .ARM.attributes section, tag -> value."""
    if not section or section[:1] != b"A":
        raise Bad("no .ARM.attributes section")
    found, off = {}, 1
    while off < len(section):
        length, = struct.unpack_from("<I", section, off)
        end, vendor_end = off + length, section.index(b"\0", off + 4)
        if section[off + 4:vendor_end] == b"aeabi":
            sub = vendor_end + 1
            while sub < end:
                tag, after = uleb(section, sub)
                size, = struct.unpack_from("<I", section, after)
                if tag == 1:  # Tag_File
                    a = after + 4
                    while a < sub + size:
                        attr, a = uleb(section, a)
                        if attr == 32:  # Tag_compatibility: a number, then a string
                            _, a = uleb(section, a)
                        if attr in (4, 5, 67) or (attr > 32 and attr % 2 == 1) or attr == 32:
                            a = section.index(b"\0", a) + 1
                        else:
                            found[attr], a = uleb(section, a)
                sub += size
        off = end
    return found


def check_elf(data, arch):
    if data[:4] != b"\x7fELF":
        raise Bad("not an ELF file")
    is64, little, machine, name = ELF_ARCH[arch]
    if (data[4] == 2, data[5] == 1) != (is64, little):
        raise Bad(f"ELF{32 * data[4]} {'LE' if data[5] == 1 else 'BE'}, not {arch}'s ELF{64 if is64 else 32} {'LE' if little else 'BE'}")
    end = "<" if little else ">"
    e_type, e_machine = struct.unpack_from(end + "HH", data, 16)
    if e_machine != machine:
        raise Bad(f"machine {e_machine}, not {name} ({machine})")
    if e_type not in (ET_EXEC, ET_DYN):
        raise Bad(f"type {e_type}: not an executable")
    if is64:
        phoff, = struct.unpack_from(end + "Q", data, 0x20)
        flags, _, phentsize, phnum = struct.unpack_from(end + "IHHH", data, 0x30)
        segment = lambda i: struct.unpack_from(end + "IIQQQQ", data, phoff + i * phentsize)
        dyn_entry, dyn_size = end + "qQ", 16
    else:
        phoff, = struct.unpack_from(end + "I", data, 0x1C)
        flags, _, phentsize, phnum = struct.unpack_from(end + "IHHH", data, 0x24)
        segment = lambda i: (lambda t, o, v, pa, fs, ms: (t, 0, o, v, pa, fs))(*struct.unpack_from(end + "IIIIII", data, phoff + i * phentsize))
        dyn_entry, dyn_size = end + "iI", 8
    said = [f"ELF{64 if is64 else 32} {'LE' if little else 'BE'} {name} "
            f"{'executable' if e_type == ET_EXEC else 'position-independent executable'}"]
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = segment(i)
        if p_type == PT_INTERP:
            raise Bad("an interpreter (PT_INTERP): dynamically linked")
        if p_type == PT_DYNAMIC:
            for off in range(p_offset, p_offset + p_filesz, dyn_size):
                tag, _ = struct.unpack_from(dyn_entry, data, off)
                if tag == DT_NEEDED:
                    raise Bad("a shared library needed (DT_NEEDED): dynamically linked")
                if tag == 0:
                    break
    said.append("static: no interpreter, no shared library")
    if arch in ARM_CPU_ARCH:
        if flags >> 24 != 5 or not flags & 0x400:
            raise Bad(f"e_flags {flags:#x}: not EABI5 hard-float")
        attrs = arm_attributes(elf_section(data, b".ARM.attributes"))
        if attrs.get(6) != ARM_CPU_ARCH[arch]:
            raise Bad(f"Tag_CPU_arch {attrs.get(6)}, not {ARM_CPU_ARCH[arch]} ({arch})")
        if attrs.get(28) != 1:
            raise Bad("Tag_ABI_VFP_args is not VFP registers: not hard-float")
        said.append(f"EABI5 hard-float (VFP registers), Tag_CPU_arch {arch[3:]}")
    elif arch == "ppc64le":
        if flags & 3 != 2:
            raise Bad(f"e_flags {flags:#x}: not the ELFv2 ABI")
        said.append("ELFv2 ABI")
    elif arch == "riscv64":
        if flags & 0x7 != 0x5:
            raise Bad(f"e_flags {flags:#x}: not RVC with the double-float ABI (riscv64gc)")
        said.append("RVC, double-float ABI")
    return said


# ---- the dependency list (cargo auditable) ----

DEP_SECTION = b".dep-v0"


def elf_section(data, name):
    if data[:4] != b"\x7fELF":
        raise Bad("not an ELF file")
    is64, end = data[4] == 2, "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x3A)
        entry = lambda i: struct.unpack_from(end + "IIQQQQ", data, shoff + i * shentsize)
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x2E)
        entry = lambda i: struct.unpack_from(end + "IIIIII", data, shoff + i * shentsize)
    strtab = entry(shstrndx)
    for i in range(shnum):
        sh_name, _, _, _, offset, size = entry(i)
        start = strtab[4] + sh_name
        if data[start:data.index(b"\0", start)] == name:
            return data[offset:offset + size]
    return None


def pe_section(data, name):
    layout = pe_layout(data)
    pe = layout["pe"]
    nsections, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    for i in range(nsections):
        s = pe + 24 + opt_size + 40 * i
        if data[s:s + 8].rstrip(b"\0") == name:
            vsize, _, rawsize, raw = struct.unpack_from("<IIII", data, s + 8)
            return data[raw:raw + min(vsize, rawsize) if vsize else rawsize]
    return None


LC_SEGMENT_64 = 0x19


def macho_section(data, segment, name):
    for off, cmd, _ in load_commands(data):
        if cmd != LC_SEGMENT_64 or data[off + 8:off + 24].rstrip(b"\0") != segment:
            continue
        nsects, = struct.unpack_from("<I", data, off + 64)
        for i in range(nsects):
            s = off + 72 + 80 * i
            if data[s:s + 16].rstrip(b"\0") == name:
                size, offset = struct.unpack_from("<QI", data, s + 40)
                return data[offset:offset + size]
    return None


def dependency_lists(data):
    """The decoded `.dep-v0` JSON of each binary in the file (one; two in a universal file)."""
    if data[:4] == b"\x7fELF":
        raws = [elf_section(data, DEP_SECTION)]
    elif data[:2] == b"MZ":
        raws = [pe_section(data, DEP_SECTION)]
    elif struct.unpack_from(">I", data, 0)[0] == 0xCAFEBABE:
        n, = struct.unpack_from(">I", data, 4)
        raws = []
        for i in range(n):
            _, _, offset, size, _ = struct.unpack_from(">iiIII", data, 8 + 20 * i)
            raws.append(macho_section(data[offset:offset + size], b"__DATA", DEP_SECTION))
    else:
        raws = [macho_section(data, b"__DATA", DEP_SECTION)]
    lists = []
    for raw in raws:
        if raw is None:
            raise Bad("no .dep-v0 section: not built with cargo auditable")
        d = zlib.decompressobj()
        lists.append(json.loads(d.decompress(raw) + d.flush()))
    return lists


def lock_versions():
    """(name, version) → checksum (None for the local crate) of every package in Cargo.lock."""
    out, name, version, checksum = {}, None, None, None
    for line in open("Cargo.lock").read().splitlines() + ["[[package]]"]:
        if line == "[[package]]":
            if name:
                out[(name, version)] = checksum
            name = version = checksum = None
        elif line.startswith("name = "):
            name = line.split('"')[1]
        elif line.startswith('version = "'):
            version = line.split('"')[1]
        elif line.startswith("checksum = "):
            checksum = line.split('"')[1]
    return out


def cargo_tree(triple, edges):
    """The crates `cargo tree -e EDGES` lists for TRIPLE, as (name, version), the crate itself
    included."""
    text = subprocess.run(
        ["cargo", "tree", "--locked", "-e", edges, "--target", triple, "--prefix", "none", "-f", "{p}"],
        check=True, capture_output=True, text=True).stdout
    return {(line.split()[0], line.split()[1].lstrip("v")) for line in text.splitlines()}


def check_deps(data, triple):
    built = cargo_tree(triple, "normal,build")
    linked = cargo_tree(triple, "normal,no-proc-macro")
    lock = lock_versions()
    said = []
    for listed in dependency_lists(data):
        if listed.get("format") != 1:
            raise Bad(f"dependency list format {listed.get('format')}, not 1")
        packages = listed["packages"]
        every = {(p["name"], p["version"]) for p in packages}
        runtime = {(p["name"], p["version"]) for p in packages if p.get("kind") != "build"}
        # Everything the build compiled for this target, and nothing else...
        if every != built:
            raise Bad(f"the list names {sorted(every - built)} that cargo tree does not, and lacks "
                      f"{sorted(built - every)}")
        # ...and every crate linked into the binary as one (not as a build-time tool).
        if not linked <= runtime:
            raise Bad(f"{sorted(linked - runtime)} are linked in but listed as build-time only")
        if not every <= set(lock):
            raise Bad(f"{sorted(every - set(lock))} are not in Cargo.lock at those versions")
        roots = [p["name"] for p in packages if p.get("root")]
        if roots != ["docker-credential-ecr-login"]:
            raise Bad(f"the root is {roots}")
        said.append(f"{len(every)} crates, as cargo tree lists them for {triple} "
                    f"({len(linked)} linked in)")
    return said


def main(argv):
    try:
        if argv[:1] == ["fix"] and len(argv) == 2:
            data = open(argv[1], "rb").read()
            fixed = fix_pe(data) if data[:2] == b"MZ" else fix_macho(data)
            open(argv[1], "wb").write(fixed)
        elif argv[:1] == ["check"] and len(argv) == 4:
            data = open(argv[1], "rb").read()
            checks = {"darwin": check_universal if argv[3] == "universal" else check_macho,
                      "windows": check_pe, "linux": check_elf}
            said = checks[argv[2]](data, argv[3])
            print(f"{argv[1]}: " + "; ".join(said))
        elif argv[:1] == ["deps"] and len(argv) == 2:
            for listed in dependency_lists(open(argv[1], "rb").read()):
                print(json.dumps(listed, indent=1))
        elif argv[:1] == ["check-deps"] and len(argv) == 3:
            said = check_deps(open(argv[1], "rb").read(), argv[2])
            print(f"{argv[1]}: " + "; ".join(said))
        elif argv[:1] == ["universal"] and len(argv) == 4:
            universal(argv[1], argv[2:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Bad, OSError, struct.error, ValueError, KeyError, zlib.error,
            subprocess.CalledProcessError) as e:
        print(f"{argv[1] if len(argv) > 1 else ''}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
