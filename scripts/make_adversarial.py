#!/usr/bin/env python3
"""Writes Tarsier's adversarial corpus: hostile and damaged inputs derived from the real fixtures.

    python3 scripts/make_adversarial.py [OUT_DIR] [--fixtures DIR] [--entries N]

OUT_DIR defaults to target/adversarial/ (never committed). Python 3.11 standard library only.
Besides the inputs it writes OUT_DIR/manifest.txt, one line per file:

    <file>\t<command>\t<expect>\t<what it is>

<command> is `inspect` (tarsier inspect --json FILE) or `status` (tarsier status --json FILE).
<expect> is what Tarsier must do, within bounded time and memory, with no panic. It is one
outcome, or several separated by `|` when each is right (the "what" column then says why):
    ok              exit 0 and no warning (only for inputs that are hostile but not damaged)
    warn:A[,B…]     exit 0 and the report's warning codes (`warnings[].code`) are exactly A, B…
    error:CODE      exit 1, one `tarsier: …` line on stderr, and on stdout
                    {"error": {"code": CODE, …}} (the ImageError / StatusError code)
    finding:KIND    exit 0, no warning, and an image's findings include KIND
    names:[…]       exit 0, no warning, and the JSON carries each name of the JSON array verbatim
A damaged input is never expected `ok`: it must give an error or a named warning. Where the
outcome depends on where a cut lands (the truncation series), the generator works it out from
the fixture's tar layout, the way the tar format says a reader must see it.
tests/adversarial.rs runs every line; tests/e2e/adversarial.test.mjs drops the same files on the
page and checks the same expectations.
"""
import argparse
import copy
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = 512
GIB = 1 << 30

# What each entry of the corpus expects; filled by the generators below.
MANIFEST = []


def emit(out, name, data, expect, what, command="inspect"):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        if isinstance(data, (bytes, bytearray)):
            f.write(data)
        else:  # an iterable of chunks (large outputs are streamed)
            for chunk in data:
                f.write(chunk)
    MANIFEST.append((name, command, expect, what))


# ---------------------------------------------------------------------------------------------
# tar helpers


def checksum(h):
    h = bytearray(h)
    h[148:156] = b" " * 8
    s = sum(h)
    h[148:156] = b"%06o\0 " % s
    return bytes(h)


def header(name, size=0, typeflag=b"0", mode=0o644, link=b"", size_field=None, mode_field=None,
           mtime_field=None):
    """A ustar header; `*_field` give raw 12/8-byte fields for hostile numbers."""
    if isinstance(name, str):
        name = name.encode()
    if isinstance(link, str):
        link = link.encode()
    prefix = b""
    if len(name) > 100:
        cut = name.rfind(b"/", 0, 156)
        prefix, name = name[:cut], name[cut + 1:]
    h = bytearray(BLOCK)
    h[0:len(name[:100])] = name[:100]
    h[100:108] = mode_field if mode_field is not None else b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = size_field if size_field is not None else b"%011o\0" % size
    h[136:148] = mtime_field if mtime_field is not None else b"00000000000\0"
    h[156:157] = typeflag
    h[157:157 + len(link[:100])] = link[:100]
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[345:345 + len(prefix[:155])] = prefix[:155]
    return checksum(h)


def pad(b):
    return b + b"\0" * (-len(b) % BLOCK)


def member(name, body=b"", **kw):
    return header(name, len(body), **kw) + pad(body)


def tar(*members):
    return b"".join(members) + b"\0" * (2 * BLOCK)


def sha(b):
    return hashlib.sha256(b).hexdigest()


def read_members(path):
    """(TarInfo, body or None) for every member of a fixture archive, in order."""
    out = []
    with tarfile.open(path) as t:
        for m in t.getmembers():
            body = t.extractfile(m).read() if m.isreg() else None
            out.append((m, body))
    return out


def write_tar(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
        for ti, body in members:
            ti = tarfile.TarInfo(ti) if isinstance(ti, str) else copy.copy(ti)
            if body is not None:
                ti.size = len(body)
                ti.type = tarfile.REGTYPE
                t.addfile(ti, io.BytesIO(body))
            else:
                t.addfile(ti)
    return b.getvalue()


class DockerArchive:
    """A docker-archive fixture held as members, to rewrite its manifest, config and layers."""

    def __init__(self, path):
        self.members = read_members(path)
        self.manifest = json.loads(self.body("manifest.json"))
        self.config_name = self.manifest[0]["Config"]
        self.config = json.loads(self.body(self.config_name))

    def body(self, name):
        for ti, body in self.members:
            if ti.name == name:
                return body
        raise KeyError(name)

    def with_layer(self, name, data, created_by="hostile layer"):
        """A copy with one more layer on top (manifest, diff_ids and history updated)."""
        d = DockerArchive.__new__(DockerArchive)
        d.members = [(ti, b) for ti, b in self.members]
        d.manifest = json.loads(json.dumps(self.manifest))
        d.config = json.loads(json.dumps(self.config))
        d.config_name = self.config_name
        d.members.insert(0, (name, data))
        d.manifest[0]["Layers"].append(name)
        d.config.setdefault("rootfs", {"type": "layers", "diff_ids": []})["diff_ids"].append(
            "sha256:" + sha(data))
        d.config.setdefault("history", []).append({"created_by": created_by})
        return d

    def build(self, manifest=None, config=None, raw_config=None):
        cfg = raw_config if raw_config is not None else json.dumps(
            config if config is not None else self.config).encode()
        cname = sha(cfg) + ".json"
        man = manifest if manifest is not None else self.manifest
        if isinstance(man, list):
            man = json.loads(json.dumps(man))
            for item in man:
                if item.get("Config") == self.config_name:
                    item["Config"] = cname
            man = json.dumps(man).encode()
        out = []
        for ti, body in self.members:
            name = ti if isinstance(ti, str) else ti.name
            if name == self.config_name:
                out.append((cname, cfg))
            elif name == "manifest.json":
                out.append(("manifest.json", man))
            else:
                out.append((ti, body))
        return write_tar(out)


def member_offsets(path):
    """(name, header offset, data offset, size) of every member, from the tar headers."""
    with tarfile.open(path) as t:
        return [(m.name, m.offset, m.offset_data, m.size) for m in t.getmembers()]


def patch_header(data, offset, **fields):
    """Rewrites raw fields of the header at `offset` (keys: size, mode, mtime) and its checksum."""
    spans = {"mode": (100, 108), "mtime": (136, 148), "size": (124, 136)}
    h = bytearray(data[offset:offset + BLOCK])
    for k, v in fields.items():
        a, b = spans[k]
        assert len(v) == b - a, (k, v)
        h[a:b] = v
    return data[:offset] + checksum(h) + data[offset + BLOCK:]


# ---------------------------------------------------------------------------------------------
# compression helpers


def crc32_zeros_from(crc, n):
    """The CRC register after feeding `n` zero bytes to a stream whose CRC so far is `crc`."""
    # The register (pre-/post-inverted) evolves linearly over zero bytes: shift it by n bytes.
    return _shift(crc ^ 0xFFFFFFFF, n) ^ 0xFFFFFFFF


def _shift(reg, n):
    """Feeds n zero bytes to a raw CRC-32 register by squaring the one-byte operator (zlib's
    crc32_combine)."""
    def times(mat, vec):
        s, i = 0, 0
        while vec:
            if vec & 1:
                s ^= mat[i]
            vec >>= 1
            i += 1
        return s

    def square(mat):
        return [times(mat, m) for m in mat]

    op = [0xEDB88320] + [1 << i for i in range(31)]  # one zero bit
    for _ in range(3):
        op = square(op)  # one zero byte
    while n:
        if n & 1:
            reg = times(op, reg)
        n >>= 1
        if n:
            op = square(op)
    return reg


def gzip_zeros_after(prefix, zeros):
    """A gzip member of `prefix` followed by `zeros` zero bytes, built in O(size of output):
    one 1 MiB block of zeros is deflated once with a full flush and its output repeated."""
    unit = 1 << 20
    assert zeros % unit == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    z = bytes(unit)
    first = c.compress(z) + c.flush(zlib.Z_FULL_FLUSH)
    rep = c.compress(z) + c.flush(zlib.Z_FULL_FLUSH)
    rep2 = c.compress(z) + c.flush(zlib.Z_FULL_FLUSH)
    assert rep == rep2, "deflate output of a full-flushed block is not repeatable"
    tail = c.flush(zlib.Z_FINISH)
    total = len(prefix) + zeros
    crc = crc32_zeros_from(zlib.crc32(prefix), zeros)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    yield head + first
    count = zeros // unit - 1
    batch = rep * 1024
    while count >= 1024:
        yield batch
        count -= 1024
    yield rep * count
    yield tail
    yield struct.pack("<II", crc, total & 0xFFFFFFFF)


def zstd_frame(payload, window_log, rle_blocks=0):
    """A zstd frame (RFC 8878) declaring a 2^window_log window: one raw block holding `payload`,
    then `rle_blocks` RLE blocks of 128 KiB of zeros each (4 bytes apiece: a cheap bomb)."""
    fhd = 0x00  # no content size, not single segment, no checksum, no dictionary
    wd = (window_log - 10) << 3
    assert len(payload) < (1 << 17)
    out = [b"\x28\xb5\x2f\xfd", bytes([fhd, wd])]
    last = 1 if rle_blocks == 0 else 0
    out.append(((len(payload) << 3) | last).to_bytes(3, "little") + payload)  # raw block
    rle = ((128 * 1024) << 3) | (1 << 1)  # RLE block of 128 KiB
    if rle_blocks:
        out.append((rle.to_bytes(3, "little") + b"\0") * (rle_blocks - 1))
        out.append((rle | 1).to_bytes(3, "little") + b"\0")
    return b"".join(out)


def zstd_frame_huge_window(payload):
    """A zstd frame whose header declares a 2 TiB window (log 41), with one raw block."""
    return zstd_frame(payload, 41)


# ---------------------------------------------------------------------------------------------
# the corpus


# Limits of the status reader (src/core/status.rs MAX_INPUT_BYTES, MAX_LINES).
STATUS_MAX_INPUT_BYTES = 1 << 20
STATUS_MAX_LINES = 8192


def layout(data):
    """The tar layout of `data`: (members, end) where members are (name, header offset, data
    offset, size, type, link) and `end` is where the last member's padded body ends."""
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        members = [(m.name, m.offset, m.offset_data, m.size, m.type, m.linkname)
                   for m in t.getmembers()]
    name, _hdr, dat, size, _ty, _link = members[-1]
    return members, dat + -(-size // BLOCK) * BLOCK


def resolve(present, path):
    """The member `path` names among `present` ({name: (type, link)}), following symlinks as
    the analyzer does, or None."""
    for _ in range(16):
        path = os.path.normpath(path).lstrip("/")
        if path not in present:
            return None
        ty, link = present[path]
        if ty == tarfile.SYMTYPE:
            path = link if link.startswith("/") else os.path.join(os.path.dirname(path), link)
        elif ty == tarfile.LNKTYPE:
            path = link
        else:
            return path
    return None


def cut_at_member_boundary(data, members, k):
    """What the analyzer must say of `data` cut just before member k (k == len: after the last
    member, before the end-of-archive marker): the tar is whole as far as it goes, so the
    outcome is the image the members read so far make up."""
    present = {m[0]: (m[4], m[5]) for m in members[:k]}
    body = {m[0]: data[m[2]:m[2] + m[3]] for m in members[:k]}
    if "manifest.json" in present:
        for item in json.loads(body[resolve(present, "manifest.json")]):
            for ref in [item["Config"]] + item["Layers"]:
                if resolve(present, ref) is None:
                    return "error:missing_member", f"manifest.json names `{ref}`, cut off"
        return "warn:no_end_marker", "the image is whole, only the end-of-archive marker is missing"
    if "index.json" in present:
        blobs = [m[0] for m in members if m[0].startswith("blobs/")]
        if any(b not in present for b in blobs):
            raise SystemExit("make_adversarial: an OCI fixture whose blobs follow index.json: "
                             "work out what a cut between them must give before adding it")
        return "warn:no_end_marker", "the image is whole, only the end-of-archive marker is missing"
    return "error:missing_manifest", "no manifest.json / index.json before the cut"


def plain_cut(data, off):
    """(expect, why) for `data` (a plain tar) cut at byte `off`."""
    if off == 0:
        return "error:not_an_archive", "an empty file"
    members, end = layout(data)
    for k, (name, hdr, dat, size, _ty, _link) in enumerate(members):
        if off == hdr:
            return cut_at_member_boundary(data, members, k)
        if hdr < off < dat + -(-size // BLOCK) * BLOCK:
            where = "header" if off < dat else "body" if off < dat + size else "padding"
            return "error:truncated", f"inside the {where} of `{name}`"
    if off == end:
        return cut_at_member_boundary(data, members, len(members))
    if off < end + 2 * BLOCK:
        return "warn:lone_zero_block", "inside the two zero blocks of the end-of-archive marker"
    return None  # in the padding after the marker: not a cut of the archive


def gzip_cut(gz, off):
    """(expect, why) for a gzip-compressed tar `gz` cut at byte `off`: what matters is how much
    of the tar the cut leaves (a gzip reader fails where the data stops)."""
    whole = gzip.decompress(gz)
    _members, end = layout(whole)
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    got = len(d.decompress(gz[:off]))
    if got >= end + 2 * BLOCK:
        return "warn:damaged_stream", (f"the tar and its end-of-archive marker are whole ({got} bytes "
                                       "inflate), the rest of the gzip data and its trailer are not")
    return "error:truncated", f"the tar stops at byte {got} of {end + 2 * BLOCK}, inside its data"


def truncations(out, fix):
    e1 = os.path.join(fix, "e1_podman_docker-archive_empty.tar")
    data = open(e1, "rb").read()
    for off in range(0, len(data), BLOCK):
        cut = plain_cut(data, off)
        if cut:
            emit(out, f"truncate/e1-at-{off:06d}.tar", data[:off], cut[0],
                 f"e1 (a real docker-archive) cut at byte {off}: {cut[1]}")
    # The larger fixtures: every member header, its first body block, and the middle of the body,
    # and inside the end-of-archive marker.
    for fname, tag in (("a1_podman_docker-archive.tar", "a1"), ("b1_podman_oci-archive.tar", "b1")):
        path = os.path.join(fix, fname)
        data = open(path, "rb").read()
        members, end = layout(data)
        cuts = {end, end + BLOCK}
        for _name, hdr, dat, size, _ty, _link in members:
            cuts.update({hdr, dat, dat + (size // 2) // BLOCK * BLOCK, hdr - BLOCK})
        for off in sorted(c for c in cuts if 0 < c < len(data)):
            cut = plain_cut(data, off)
            if cut:
                emit(out, f"truncate/{tag}-at-{off:08d}.tar", data[:off], cut[0],
                     f"{tag} cut at byte {off}: {cut[1]}")
    a5 = open(os.path.join(fix, "a5_podman_docker-archive.tar.gz"), "rb").read()
    for off in (10, 512, 4096, len(a5) // 2, len(a5) - 8, len(a5) - 4):
        cut = gzip_cut(a5, off)
        emit(out, f"truncate/a5-gz-at-{off:08d}.tar.gz", a5[:off], cut[0],
             f"a5 (gzip-compressed docker-archive, {len(a5)} bytes) cut at byte {off}: {cut[1]}")
    # A zero block, then something else: GNU tar's "lone zero block".
    data = open(os.path.join(fix, "b1_podman_oci-archive.tar"), "rb").read()
    _members, end = layout(data)
    odd = data[:end + BLOCK] + b"\xff" * BLOCK
    emit(out, "truncate/b1-zero-block-then-junk.tar", odd, "warn:lone_zero_block",
         "b1 whose second end-of-archive zero block is replaced by 0xff bytes")


def gzip_trailers(out, fix):
    """gzip's trailer (RFC 1952 §2.3: CRC32, then ISIZE, the length mod 2^32) missing or
    wrong, in a layer and in a compressed archive; a tar reader that stops at the tar's end
    marker never reads it."""
    base = DockerArchive(os.path.join(fix, "e1_podman_docker-archive_empty.tar"))
    layer = tar(member("etc/hostname", b"trailer\n"), member("etc/motd", b"hello\n"))
    gz = gzip.compress(layer, 9, mtime=0)
    variants = [
        ("no-trailer", gz[:-8], "without its 8-byte trailer"),
        ("no-isize", gz[:-4], "without its ISIZE"),
        ("bad-crc", gz[:-8] + bytes([gz[-8] ^ 0xff]) + gz[-7:], "with a wrong CRC32"),
        ("bad-isize", gz[:-4] + bytes([gz[-4] ^ 0x01]) + gz[-3:], "with a wrong ISIZE"),
        ("trailing-garbage", gz + b"not gzip", "followed by 8 bytes that are not gzip"),
    ]
    for tag, bad, what in variants:
        emit(out, f"gzip/layer-{tag}.tar", base.with_layer("trailer.tar.gz", bad).build(),
             "warn:damaged_layer", f"a gzip layer {what} (its tar is whole)")
    outer = gzip.compress(base.build(), 9, mtime=0)
    for tag, bad, what in (
        ("bad-crc", outer[:-8] + bytes([outer[-8] ^ 0xff]) + outer[-7:], "with a wrong CRC32"),
        ("bad-isize", outer[:-4] + bytes([outer[-4] ^ 0x01]) + outer[-3:], "with a wrong ISIZE"),
        ("trailing-garbage", outer + b"not gzip", "followed by 8 bytes that are not gzip"),
    ):
        emit(out, f"gzip/outer-{tag}.tar.gz", bad, "warn:damaged_stream",
             f"a gzip-compressed archive {what} (its tar is whole)")
    # zstd: a frame whose first block holds the whole tar and 4 KiB of zeros after it, then a
    # last block cut short. The window is the smallest (1 KiB): a decoder hands out only what
    # falls out of its window before the frame ends, so the tar is read whole before the cut.
    payload = layer + bytes(4096)
    frame = zstd_frame(payload, 10)
    head, block = frame[:6], frame[6:]
    not_last = ((len(payload) << 3) | 0).to_bytes(3, "little")
    cut_block = ((1000 << 3) | 1).to_bytes(3, "little") + b"0123456789"
    emit(out, "gzip/zstd-layer-cut-after-tar.tar", base.with_layer(
        "cut.tar.zst", head + not_last + block[3:] + cut_block).build(), "warn:damaged_layer",
         "a zstd layer whose tar (and 4 KiB after it) is whole but whose frame's last block is "
         "cut short")


def header_numbers(out, fix):
    path = os.path.join(fix, "a1_podman_docker-archive.tar")
    data = open(path, "rb").read()
    offs = {n: (h, d, s) for n, h, d, s in member_offsets(path)}
    repo_hdr = offs["repositories"][0]
    man_hdr = offs["manifest.json"][0]
    layer_name = json.loads(data[offs["manifest.json"][1]:offs["manifest.json"][1] +
                                 offs["manifest.json"][2]])[0]["Layers"][0]
    layer_hdr = offs[layer_name][0]
    cases = [
        ("size-exceeds-file", repo_hdr, {"size": b"77777777777\0"}, "error:truncated",
         "the last member's octal size says 8 GiB in a 2 MB file"),
        ("size-exceeds-file-layer", layer_hdr, {"size": b"77777777777\0"}, "error:truncated",
         "the first layer member's size runs past the end of the file"),
        ("size-base256-overflow", man_hdr, {"size": b"\x80" + b"\xff" * 11}, "error:corrupt",
         "a GNU base-256 size of 2^88-1 (overflows u64)"),
        ("size-base256-negative", man_hdr, {"size": b"\xff" * 12}, "error:corrupt",
         "a GNU base-256 size of -1"),
        ("size-nonoctal", man_hdr, {"size": b"12345678x9\0\0"}, "error:corrupt",
         "a size field with a non-octal digit"),
        ("size-spaces-only", man_hdr, {"size": b" " * 12}, "error:corrupt",
         "a size field of blanks reads as 0, so the manifest's body is read as the next header, "
         "whose checksum is wrong"),
        ("mode-nonoctal", man_hdr, {"mode": b"0z44-\0\0\0"}, "error:corrupt",
         "an outer member's mode field is not octal (structure: strict)"),
        ("mtime-negative", man_hdr, {"mtime": b"\xff" * 12}, "ok",
         "a base-256 negative mtime (valid GNU tar: a date before 1970)"),
    ]
    for name, off, fields, expect, what in cases:
        emit(out, f"header/{name}.tar", patch_header(data, off, **fields), expect, what)

    # The same inside a layer: damage inside a layer is a warning; the entries before it are kept.
    base = DockerArchive(path)
    good = member("etc/ok.conf", b"fine\n")
    for name, kw, what in (
        ("layer-size-overflow", {"size_field": b"\x80" + b"\xff" * 11}, "base-256 size 2^88-1"),
        ("layer-size-negative", {"size_field": b"\xff" * 12}, "base-256 size -1"),
        ("layer-size-nonoctal", {"size_field": b"9999999999x\0"}, "non-octal size"),
        ("layer-size-past-end", {"size_field": b"77777777777\0"}, "size past the layer's end"),
    ):
        layer = good + header("etc/bad", **kw) + b"data".ljust(BLOCK, b"\0") + b"\0" * 1024
        emit(out, f"header/{name}.tar", base.with_layer("hostile.tar", layer).build(),
             "warn:damaged_layer", f"a layer entry with a {what}")
    layer = tar(member("etc/ok.conf", b"fine\n"),
                member("etc/odd", b"x", mode_field=b"zz\xff\x00abc\0"),
                member("etc/old", b"x", mtime_field=b"\xff" * 12))
    emit(out, "header/layer-mode-mtime-garbage.tar", base.with_layer("hostile.tar", layer).build(),
         "warn:damaged_layer", "layer entries with a non-octal mode (damage: the listing stops "
         "there) and a negative mtime")


def names(out, fix):
    base = DockerArchive(os.path.join(fix, "a1_podman_docker-archive.tar"))
    layer = tar(
        member("../../etc/passwd", b"root::0:0::/:/bin/sh\n"),
        member("/etc/shadow", b"root::1::::::\n"),
        member("./../../../escape", b"x"),
        member("a/../../b", b"x"),
        header("escape-link", typeflag=b"2", link="../../../../../etc/passwd"),
        header("abs-link", typeflag=b"2", link="/etc/passwd"),
        header("hard-escape", typeflag=b"1", link="../../etc/passwd"),
    )
    emit(out, "names/path-traversal.tar", base.with_layer("hostile.tar", layer).build(),
         "finding:path_traversal", "entries named ../../etc/passwd, /etc/shadow, a/../../b, and links out")

    html = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>.sh",
            "\"><svg onload=alert(1)>", "javascript:alert(1)", "{{constructor.constructor('alert(1)')()}}"]
    layer = tar(*[member(n.replace("/", "_"), b"<b>body</b>") for n in html],
                member("dir<iframe src=javascript:alert(1)>/x", b""))
    a = base.with_layer("hostile.tar", layer, created_by="/bin/sh -c <img src=x onerror=alert(1)>")
    a.manifest[0]["RepoTags"] = ["localhost/<img src=x onerror=alert(1)>:latest"]
    a.config.setdefault("config", {})["Env"] = ["XSS=<script>alert(1)</script>"]
    a.config["config"]["Labels"] = {"<b>label</b>": "<i onmouseover=alert(1)>x</i>"}
    names_list = [n.replace("/", "_") for n in html] + ["dir<iframe src=javascript:alert(1)>"]
    emit(out, "names/html-js.tar", a.build(), "names:" + json.dumps(names_list),
         "entry names, a tag, an env value, a label and a history step carrying HTML/JS")

    layer = tar(member(b"caf\xe9", b"latin-1 name"), member(b"\xff\xfe\xfd", b"x"),
                member(b"dir\x80/file", b"x"), member(b"back\\slash\\x41", b"x"),
                member(b"nul\x01ctl\x1b[31m", b"x"), header(b"link\xc3", typeflag=b"2", link=b"\xe9"))
    emit(out, "names/non-utf8.tar", base.with_layer("hostile.tar", layer).build(),
         "names:" + json.dumps(["caf\\xe9", "\\xff\\xfe\\xfd"]),
         "entry names that are not UTF-8 (shown as \\xNN), and control bytes")

    layer = tar(
        header("loop/a", typeflag=b"2", link="b"),
        header("loop/b", typeflag=b"2", link="a"),
        header("loop/self", typeflag=b"2", link="self"),
        header("loop/dot", typeflag=b"2", link="."),
        header("loop/up", typeflag=b"2", link="../loop/up/x"),
        header("loop/abs", typeflag=b"2", link="/loop/abs"),
        header("hl/h1", typeflag=b"1", link="hl/h2"),
        header("hl/h2", typeflag=b"1", link="hl/h1"),
        header("hl/hself", typeflag=b"1", link="hl/hself"),
        header("hl/missing", typeflag=b"1", link="no/such/file"),
    )
    emit(out, "names/link-loops.tar", base.with_layer("hostile.tar", layer).build(), "ok",
         "symlink loops (a→b→a, self, ., ..) and hard-link loops; `cat loop/a` must fail, not hang")


def manifests(out, fix):
    base = DockerArchive(os.path.join(fix, "a1_podman_docker-archive.tar"))
    m = json.loads(json.dumps(base.manifest))
    m[0]["Layers"] = m[0]["Layers"] + [m[0]["Layers"][0]]
    cfg = json.loads(json.dumps(base.config))
    cfg["rootfs"]["diff_ids"].append(cfg["rootfs"]["diff_ids"][0])
    emit(out, "manifest/layer-listed-twice.tar", base.build(manifest=m, config=cfg),
         "warn:layer_listed_twice,history_mismatch",
         "the manifest lists its bottom layer again on top (the history then has a step too few)")
    m = json.loads(json.dumps(base.manifest))
    m[0]["Layers"].append("0000000000000000000000000000000000000000000000000000000000000000.tar")
    emit(out, "manifest/absent-layer.tar", base.build(manifest=m), "error:missing_member",
         "the manifest names a layer the archive does not hold")
    m = json.loads(json.dumps(base.manifest))
    m[0]["Config"] = "absent.json"
    emit(out, "manifest/absent-config.tar", base.build(manifest=m), "error:missing_member",
         "the manifest names a config the archive does not hold")
    m = json.loads(json.dumps(base.manifest))
    m = m * 200
    emit(out, "manifest/same-image-200-times.tar", base.build(manifest=m), "ok",
         "one image listed 200 times in manifest.json")

    # OCI: an index entry pointing at an absent blob is said, not fatal.
    b1 = read_members(os.path.join(fix, "b1_podman_oci-archive.tar"))
    out_members = []
    for ti, body in b1:
        if ti.name == "index.json":
            idx = json.loads(body)
            idx["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                     "digest": "sha256:" + "e" * 64, "size": 1})
            body = json.dumps(idx).encode()
        out_members.append((ti, body))
    emit(out, "manifest/oci-index-absent-blob.tar", write_tar(out_members), "warn:missing_blob",
         "index.json names a manifest blob that is absent")

    # Deep and enormous JSON.
    deep = b"[" * 200_000 + b"]" * 200_000
    emit(out, "json/manifest-deeply-nested.tar", base.build(manifest=deep), "error:bad_json",
         "manifest.json nested 200,000 arrays deep")
    cfg = json.loads(json.dumps(base.config))
    cfg["config"]["Labels"] = {"deep": "PLACEHOLDER"}
    raw = json.dumps(cfg).encode().replace(b'"PLACEHOLDER"', b"{\"a\":" * 100_000 + b"1" + b"}" * 100_000)
    emit(out, "json/config-deeply-nested.tar", base.build(raw_config=raw), "error:bad_json",
         "a config label nested 100,000 objects deep")
    big = b"[" + b",".join([b'{"Config":"x","Layers":[],"RepoTags":["' + b"t" * 100 + b'"]}'] * 180_000) + b"]"
    emit(out, "json/manifest-enormous.tar", base.build(manifest=big), "error:limit_exceeded",
         f"manifest.json of {len(big) // (1 << 20)} MiB (over the 16 MiB limit)")
    cfg = json.loads(json.dumps(base.config))
    cfg["config"]["Env"] = [f"SECRET_TOKEN_{i}=hunter2" for i in range(300_000)]
    cfg["history"] = cfg.get("history", []) + [{"created_by": "x" * 1000, "empty_layer": True}] * 3000
    emit(out, "json/config-huge-under-limit.tar", base.build(config=cfg), "finding:secret_env",
         "a 10 MB config with 300,000 env secrets and 3,000 history steps (findings capped)")
    emit(out, "json/manifest-not-json.tar", base.build(manifest=b"\xef\xbb\xbf[{\"Config\":"), "error:bad_json",
         "manifest.json cut in the middle")


def bombs(out, fix):
    # The empty image as the base, so the compressed files stay kilobytes.
    base = DockerArchive(os.path.join(fix, "e1_podman_docker-archive_empty.tar"))
    # Inner: a layer tar holding one 32 GiB file of zeros, gzip-compressed (~32 MB).
    big = 32 * GIB
    inner_hdr = tarfile.TarInfo("zeros.img")
    inner_hdr.size = big
    hdr = inner_hdr.tobuf(format=tarfile.GNU_FORMAT)  # base-256 size
    # The body is exactly 32 GiB (a multiple of 512), then two zero blocks: just more zeros.
    layer_gz = b"".join(gzip_zeros_after(hdr, big + GIB // 1024))
    a = base.with_layer("bomb.tar.gz", layer_gz)
    archive = a.build()
    # Outer: the whole archive gzip-compressed again, so the file is kilobytes.
    emit(out, "bomb/gzip-bomb-nested.tar.gz", gzip.compress(archive, 9, mtime=0),
         "warn:damaged_layer", f"{len(archive) >> 20} MiB archive, gzip-compressed, whose layer expands to "
         f"{big >> 30} GiB of zeros")
    emit(out, "bomb/gzip-bomb-layer-tiny-outer.tar", base.with_layer(
        "bomb2.tar.gz", b"".join(gzip_zeros_after(hdr[:0], 4 * GIB))).build(), "warn:damaged_layer",
         "a layer that is gzip of 4 GiB of zeros: the zero blocks end its tar at once, and the rest, "
         "inflated to check gzip's trailer, meets the expansion-ratio limit")

    # The outer archive itself: gzip of a tar whose first member is 4 GiB of zeros (~4 MB).
    filler = header("filler.bin", 0, size_field=b"40000000000\0")
    emit(out, "bomb/gzip-bomb-outer.tar.gz", b"".join(gzip_zeros_after(filler, 4 * GIB)), "error:limit_exceeded",
         "a gzip-compressed archive whose first member is 4 GiB of zeros (stopped by the ratio)")

    # zstd: a frame declaring a 2 TiB window, as a layer and as the whole archive.
    payload = tar(member("etc/hostname", b"zstd\n"))
    emit(out, "bomb/zstd-huge-window-layer.tar", base.with_layer(
        "huge.tar.zst", zstd_frame_huge_window(payload)).build(), "error:limit_exceeded",
         "a zstd layer whose frame header declares a 2 TiB window")
    emit(out, "bomb/zstd-huge-window-outer.tar.zst", zstd_frame_huge_window(payload), "error:limit_exceeded",
         "the whole archive as a zstd frame declaring a 2 TiB window")
    # RLE blocks: 4 bytes → 128 KiB each. With a 2 TiB window the decoder would keep all of it.
    big_hdr = tarfile.TarInfo("zeros.img")
    big_hdr.size = 64 * GIB
    head = big_hdr.tobuf(format=tarfile.GNU_FORMAT)
    emit(out, "bomb/zstd-rle-bomb-huge-window.tar", base.with_layer(
        "rle.tar.zst", zstd_frame(head, 41, rle_blocks=16384)).build(), "error:limit_exceeded",
         "a 64 KiB zstd layer of RLE blocks expanding to 2 GiB, declaring a 2 TiB window")
    emit(out, "bomb/zstd-rle-bomb.tar", base.with_layer(
        "rle.tar.zst", zstd_frame(head, 23, rle_blocks=16384)).build(), "warn:damaged_layer",
         "a 64 KiB zstd layer of RLE blocks expanding to 2 GiB (8 MiB window)")


def many_entries(out, fix, count):
    """A docker-archive whose one layer holds `count` empty files (headers only)."""
    base = DockerArchive(os.path.join(fix, "e1_podman_docker-archive_empty.tar"))
    tmpl = bytearray(header("d000/f000000", 0))
    tmpl[148:156] = b" " * 8
    base_sum = sum(tmpl) - sum(b"d000/f000000")

    def layer_chunks():
        chunk = bytearray()
        for i in range(count):
            name = b"d%03d/f%06d" % (i // 1000 % 1000, i)
            h = bytearray(tmpl)
            h[0:12] = name
            h[148:156] = b"%06o\0 " % (base_sum + sum(name))
            chunk += h
            if len(chunk) >= 1 << 22:
                yield bytes(chunk)
                chunk = bytearray()
        yield bytes(chunk) + b"\0" * 1024

    layer_size = count * BLOCK + 1024
    diff = hashlib.sha256()
    for c in layer_chunks():
        diff.update(c)
    cfg = json.loads(json.dumps(base.config))
    cfg["rootfs"] = {"type": "layers", "diff_ids": ["sha256:" + diff.hexdigest()]}
    cfg["history"] = [{"created_by": "many tiny files"}]
    cfg_raw = json.dumps(cfg).encode()
    cname = sha(cfg_raw) + ".json"
    man = json.dumps([{"Config": cname, "RepoTags": ["many:1"], "Layers": ["layer.tar"]}]).encode()

    def archive():
        yield header("layer.tar", layer_size)
        yield from layer_chunks()
        yield b"\0" * (-layer_size % BLOCK)
        yield member(cname, cfg_raw)
        yield member("manifest.json", man)
        yield b"\0" * 1024

    emit(out, f"many/entries-{count}.tar", archive(), "ok",
         f"a layer of {count} empty files (headers only)")


def status_expect(data):
    """What `tarsier status` must say of `data`: the status reader's own limits."""
    if len(data) > STATUS_MAX_INPUT_BYTES:
        return "error:too_large"
    if data.count(b"\n") > STATUS_MAX_LINES:
        return "error:too_many_lines"
    raise SystemExit("make_adversarial: a paste within the status reader's limits: say what it must give")


def pastes(out, fix):
    mask = b"CapEff:\t00000000a80425fb\n"
    n = (10 * 1000 * 1000) // len(mask) + 1
    cases = [
        ("paste/masks-10mb.txt", mask * n, "10 MB of capability-mask lines"),
        ("paste/status-10mb.txt", None, "a real status dump repeated to 10 MB"),
        ("paste/one-line-10mb.txt", b"CapEff:\t" + b"f" * 10_000_000 + b"\n", "one 10 MB line"),
        ("paste/status-1mb-lines.txt", b"Name:\tx\n" + b"\n" * 1_000_000,
         "a dump followed by a million blank lines"),
    ]
    dump = open(os.path.join(fix, "proc", "seed", "redis-server.status"), "rb").read()
    for name, data, what in cases:
        if data is None:
            data = (dump * (10_000_000 // len(dump) + 1))[:10_000_000]
        emit(out, name, data, status_expect(data), what, command="status")


def other(out, fix):
    emit(out, "other/empty.tar", b"", "error:not_an_archive", "an empty file")
    emit(out, "other/random.bin", hashlib.sha256(b"seed").digest() * 4096, "error:not_an_archive",
         "128 KiB of pseudo-random bytes")
    emit(out, "other/zeros.tar", bytes(1 << 20), "error:missing_manifest",
         "1 MiB of zero bytes (an empty tar: no members, so no image)")
    emit(out, "other/html.tar", b"<html><script>alert(1)</script></html>\n" * 100,
         "error:not_an_archive", "an HTML page named .tar")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("manifest.json", "[]")
    emit(out, "other/archive.zip", buf.getvalue(), "error:not_an_archive", "a zip archive (told by its magic number)")
    emit(out, "other/picture.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "error:not_an_archive", "a PNG image named .png")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default=os.path.join(ROOT, "target", "adversarial"))
    ap.add_argument("--fixtures", default=os.environ.get(
        "TARSIER_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures")))
    ap.add_argument("--entries", type=int, default=1_000_000,
                    help="files in the many-entries layer (default 1,000,000)")
    ap.add_argument("--skip-many", action="store_true", help="leave out the many-entries archive")
    args = ap.parse_args()
    fix_images = os.path.join(args.fixtures, "images")
    if not os.path.isdir(fix_images):
        sys.exit(f"make_adversarial: no fixtures at {fix_images}")
    tarfile.RECORDSIZE = 2 * BLOCK
    # The same script, options and fixtures make the same corpus: reuse one already written.
    stamp = hashlib.sha256(open(os.path.abspath(__file__), "rb").read())
    stamp.update(repr((args.entries, args.skip_many, os.path.abspath(args.fixtures))).encode())
    for name in sorted(os.listdir(fix_images)):
        st = os.stat(os.path.join(fix_images, name))
        stamp.update(f"{name} {st.st_size} {st.st_mtime_ns}".encode())
    stamp = stamp.hexdigest()
    stamp_path = os.path.join(args.out, ".stamp")
    if os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        print(f"make_adversarial: {args.out} is up to date")
        return
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    truncations(args.out, fix_images)
    gzip_trailers(args.out, fix_images)
    header_numbers(args.out, fix_images)
    names(args.out, fix_images)
    manifests(args.out, fix_images)
    bombs(args.out, fix_images)
    if not args.skip_many:
        many_entries(args.out, fix_images, args.entries)
    pastes(args.out, args.fixtures)
    other(args.out, fix_images)
    with open(os.path.join(args.out, "manifest.txt"), "w") as f:
        f.write("# file\tcommand\texpect\twhat (see scripts/make_adversarial.py)\n")
        for name, command, expect, what in MANIFEST:
            assert expect != "ok" or not name.startswith(("truncate/", "gzip/")), name
            assert "\t" not in what and "\n" not in what, name
            f.write(f"{name}\t{command}\t{expect}\t{what}\n")
    with open(stamp_path, "w") as f:
        f.write(stamp)
    print(f"make_adversarial: {len(MANIFEST)} files in {args.out}")


if __name__ == "__main__":
    main()
