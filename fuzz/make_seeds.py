#!/usr/bin/env python3
"""Writes the small checked-in seed corpora under fuzz/corpus/<target>/seed-*.

Archives are built here (a few KB each) rather than copied from ../shared/fixtures, whose images
are megabytes: libFuzzer mutates small inputs far faster. Proc dumps are copied as they are.
Run from anywhere: python3 fuzz/make_seeds.py [fixtures-dir]
"""
import gzip, hashlib, io, json, os, shutil, subprocess, sys, tarfile

tarfile.RECORDSIZE = 1024  # no 10 KiB padding: small seeds mutate faster
HERE = os.path.dirname(os.path.abspath(__file__))
FIX = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "fixtures")
CORPUS = os.path.join(HERE, "corpus")


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def add(t, name, body=b"", **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    if ti.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
        ti.size = len(body)
        t.addfile(ti, io.BytesIO(body))
    else:
        t.addfile(ti)


def layer(fmt=tarfile.GNU_FORMAT, variant=0):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        add(t, "etc", type=tarfile.DIRTYPE, mode=0o755)
        add(t, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/sbin/nologin\n")
        add(t, "etc/os-release", b'ID=alpine\nVERSION_ID=3.19\n')
        add(t, "bin", type=tarfile.DIRTYPE)
        add(t, "bin/sh", b"\x7fELF", mode=0o4755)
        add(t, "bin/ash", type=tarfile.SYMTYPE, linkname="/bin/sh")
        add(t, "bin/hl", type=tarfile.LNKTYPE, linkname="bin/sh")
        add(t, "tmp/.wh.gone", b"")
        add(t, "var/.wh..wh..opq", b"")
        add(t, "dev/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        add(t, "run/fifo", type=tarfile.FIFOTYPE)
        add(t, "usr/lib/" + "long" * 40, b"x")
        if variant == 1:
            add(t, "lib/apk/db/installed", b"P:musl\nV:1.2.4-r2\n\nP:busybox\nV:1.36.1-r15\n")
            add(t, "var/lib/dpkg/status", b"Package: bash\nStatus: install ok installed\nVersion: 5.2\n\n")
            add(t, "usr/bin/ping", b"x", pax_headers={
                "SCHILY.xattr.security.capability":
                    bytes([0, 0, 0, 2, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).decode("utf-8", "surrogateescape")})
            add(t, "caf\udce9".encode("utf-8", "surrogateescape").decode("latin-1"), b"")
    return b.getvalue()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def docker_archive(layers, outer_gzip=False):
    diff_ids = ["sha256:" + sha(l) for l in layers]
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": {"User": "", "Env": ["PATH=/bin", "DB_PASSWORD=x"],
                                 "Entrypoint": ["/bin/sh"], "ExposedPorts": {"80/tcp": {}}},
                      "rootfs": {"type": "layers", "diff_ids": diff_ids},
                      "history": [{"created_by": "ADD x /"}, {"created_by": "ENV a=b", "empty_layer": True}]
                      + [{"created_by": "RUN y"}] * (len(layers) - 1)}).encode()
    cname = sha(cfg) + ".json"
    names = [f"{i:02d}/layer.tar" for i in range(len(layers))]
    manifest = json.dumps([{"Config": cname, "RepoTags": ["seed:1"], "Layers": names}]).encode()
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n, l in zip(names, layers):
            add(t, n, l)
        add(t, cname, cfg)
        add(t, "manifest.json", manifest)
        add(t, "repositories", b'{"seed":{"1":"x"}}')
    data = b.getvalue()
    return gzip.compress(data, mtime=0) if outer_gzip else data


def oci_archive(layer_blob, media):
    cfg = json.dumps({"architecture": "arm64", "os": "linux", "config": {"User": "1000"},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": "sha256:" + sha(cfg), "size": len(cfg)},
                      "layers": [{"mediaType": media, "digest": "sha256:" + sha(layer_blob),
                                  "size": len(layer_blob)}]}).encode()
    idx = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + sha(man),
         "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "seed:2"},
         "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}}]}).encode()
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        add(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add(t, "index.json", idx)
        for blob in (layer_blob, cfg, man):
            add(t, "blobs/sha256/" + sha(blob), blob)
    return b.getvalue(), idx, man, cfg


def zstd(data):
    try:
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    l0, l1 = layer(), layer(tarfile.PAX_FORMAT, 1)
    out("layer", "gnu.tar", l0)
    out("layer", "pax.tar", l1)
    out("layer", "pax.tar.gz", gzip.compress(l1, mtime=0))
    z = zstd(l1)
    if z:
        out("layer", "pax.tar.zst", z)
    out("archive", "docker.tar", docker_archive([l0, l1]))
    # layered: the bytes are choices (see tarsier::core::fuzz::layered); these pick 1-5 layers
    # of each entry kind, with and without cut-off bodies.
    out("layered", "two-layers", bytes([1, 5, 0, 9, 1, 1, 3, 3, 5, 2, 0, 7, 4, 1, 3, 1, 0, 4, 3, 3]))
    out("layered", "whiteouts", bytes([2, 6, 3, 0, 0, 1, 2, 7, 0, 2, 2, 4, 6, 2, 0, 5, 3, 4, 0, 0, 6, 5, 0, 0, 3, 3, 3, 6, 0, 0, 2, 4, 1, 0, 0, 7, 0, 0, 5]))
    out("layered", "cut-off", bytes([1, 3, 1, 9, 0, 0, 6, 30, 0, 0, 6, 0, 0, 0, 0, 2, 2, 0, 5, 0, 0, 0, 0, 0]))
    out("layered", "five-layers", bytes(range(0, 250, 3)))
    out("archive", "docker.tar.gz", docker_archive([gzip.compress(l0, mtime=0)], outer_gzip=True))
    oci, idx, man, cfg = oci_archive(gzip.compress(l1, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip")
    out("archive", "oci-gzip.tar", oci)
    if z:
        out("archive", "oci-zstd.tar", oci_archive(z, "application/vnd.oci.image.layer.v1.tar+zstd")[0])
    out("json", "index.json", idx)
    out("json", "manifest-oci.json", man)
    out("json", "config-oci.json", cfg)
    out("json", "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["a:b"], "Layers": ["l.tar"],
                                               "LayerSources": {"sha256:" + "a" * 64: {"mediaType": "x", "size": 3, "digest": "sha256:" + "a" * 64}}}]))
    out("json", "config-docker.json", json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
        "config": {"User": "root", "Env": ["A=b"], "Cmd": ["sh", "-c", "x"], "Entrypoint": None,
                   "WorkingDir": "/", "Labels": {"a": "b"}, "Volumes": {"/data": {}}, "StopSignal": "SIGTERM",
                   "Healthcheck": {"Test": ["CMD", "true"], "Interval": 30}},
        "history": [{"created_by": "/bin/sh -c #(nop) ADD file", "created": "2024"}, {"empty_layer": True}],
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1" * 64]}}))
    local = os.path.join(FIX, "proc", "local")
    for n in sorted(os.listdir(local)):
        if n.endswith(".status"):
            with open(os.path.join(local, n), "rb") as f:
                out("status", n, f.read())
    with open(os.path.join(FIX, "proc", "seed", "redis-server.status"), "rb") as f:
        redis = f.read()
    out("status", "redis-server.status", redis)
    out("status", "two-dumps.txt", b"$ cat /proc/1/status\n" + redis + b"\nroot@h:~# grep Cap /proc/self/status\nCapEff:\t0000000000000000\n")
    for i, label in enumerate(["docker-default (enforce)", "unconfined", "/usr/bin/man (complain)",
                               "cri-containerd.apparmor.d (enforce)\n", "lxc-container-default-cgns (enforce)",
                               "snap.firefox.firefox (kill)", "a//b//&c (mixed)", "podman (prompt)\x00"]):
        out("apparmor", f"{i}.txt", label)
    for i, p in enumerate(["00000000a80425fb", "0xa80425fb", "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n",
                           "$ capsh --decode=00000000a80425fb\n0x00000000a80425fb=cap_chown,cap_dac_override\n",
                           "caps=CapEff:00000000a80425fb,CapBnd:000001ffffffffff", "#caps=a80425fb",
                           "status=v1.AAAA", "Name:\tsh\nSeccomp:\t2\n", "docker-default (enforce)",
                           "Name:\tsh\nCapEff:\t0\n\x00Name:\tsh\nCapEff:\tffffffffffffffff\n", "ffffffffffffffff\n1\n\n0x0\n"]):
        out("paste", f"{i}.txt", p)


if __name__ == "__main__":
    main()
