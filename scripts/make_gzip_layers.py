#!/usr/bin/env python3
"""Rewrites a `docker save` archive with every layer gzip-compressed, for tests of parallel layer
indexing (tests/e2e/parallel.test.mjs).

usage: python3 scripts/make_gzip_layers.py IN.tar OUT.tar [--pad-kib N]

Each layer first gets one extra member, `padding/layer-<i>.bin`, of N KiB (default 1536) of
seeded pseudo-random bytes, so that every compressed layer stays larger than Tarsier's
PARALLEL_MIN_MEMBER (1 MiB) and is handed to a helper worker. Layers keep their member names
(Docker and podman load gzip layers under any name); the config's diff_ids then no longer match,
which only matters to digest verification. Python 3 standard library only; the output is the
same bytes on every run.
"""
import argparse
import gzip
import io
import json
import random
import tarfile


def pad_layer(layer: bytes, name: str, size: int, seed: int) -> bytes:
    # Drop the end-of-archive zero blocks, append one member, end the archive again.
    end = len(layer)
    while end >= 512 and layer[end - 512:end] == b"\0" * 512:
        end -= 512
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = 0
    body = random.Random(seed).randbytes(size)
    out = layer[:end] + info.tobuf(format=tarfile.USTAR_FORMAT) + body
    out += b"\0" * ((512 - size % 512) % 512)
    return out + b"\0" * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--pad-kib", type=int, default=1536)
    a = ap.parse_args()
    with tarfile.open(a.inp) as src:
        members = src.getmembers()
        manifest = json.load(src.extractfile("manifest.json"))
        layers = {l for item in manifest for l in item.get("Layers", [])}
        with tarfile.open(a.out, "w", format=tarfile.GNU_FORMAT) as dst:
            for i, m in enumerate(members):
                data = src.extractfile(m).read() if m.isfile() else None
                if m.name in layers and data is not None:
                    raw = pad_layer(data, f"padding/layer-{i}.bin", a.pad_kib * 1024, i)
                    data = gzip.compress(raw, compresslevel=6, mtime=0)
                    m.size = len(data)
                dst.addfile(m, io.BytesIO(data) if data is not None else None)


if __name__ == "__main__":
    main()
