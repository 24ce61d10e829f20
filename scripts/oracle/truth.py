#!/usr/bin/env python3
"""The outside oracle for every figure Tarsier shows about an image archive.

    python3 scripts/oracle/truth.py ARCHIVE OUT_DIR     # writes OUT_DIR/truth.json

Nothing here uses Tarsier. Every fact comes from a real tool, or from a short computation over a
real tool's output whose rule is stated where it is made:

  * GNU tar: the outer archive's members (`tar -tv`), each layer's listing (`tar -tvv`, with
    dates), each layer's files (`tar -xp` as root, then sha256 of what it wrote), the layers
    themselves decompressed by `gzip -dc` / `zstd -dc`;
  * skopeo: manifest, config and layer digests (`skopeo inspect`, `--raw`, `--config --raw`);
  * umoci: the merged root filesystem (`umoci unpack`, whiteouts applied), walked with lstat:
    kind, mode, owner, size, date, link target, sha256 of every regular file;
  * getcap (libcap2-bin): file capabilities, per layer and merged;
  * dpkg-query (`--admindir`): the dpkg database of each layer state; the apk database
    (`lib/apk/db/installed`) is parsed below (`apk_installed`), its format stated there;
  * /bin/sh: the os-release file of the merged tree sourced (os-release(5) is shell syntax), its
    ID, NAME, VERSION_ID, VERSION_CODENAME and PRETTY_NAME printed (`os_release_truth`);
  * dive's efficiency formula (`dive_efficiency`) and Tarsier's wasted-bytes and per-layer change
    rules (`tarsier_changes`), recomputed from the `tar -tvv` listings.

Requires root (umoci and tar keep owners only as root), GNU tar, gzip, zstd, skopeo, umoci,
getcap and dpkg-query; a missing one is an error naming the Debian package. The result is cached:
OUT_DIR/truth.json is reused when it was made from the same archive bytes by the same script.
"""
import hashlib
import json
import os
import posixpath
import shutil
import stat
import subprocess
import sys

DEBIAN_PACKAGE = {
    "tar": "tar", "gzip": "gzip", "zstd": "zstd", "skopeo": "skopeo", "umoci": "umoci",
    "getcap": "libcap2-bin", "dpkg-query": "dpkg",
}


class OracleError(Exception):
    pass


def need(tool):
    if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
        raise OracleError(f"the oracle needs `{tool}`: apt-get install {DEBIAN_PACKAGE.get(tool, tool)}")


def run(cmd, cwd=None, env=None, ok=(0,)):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
    if p.returncode not in ok:
        raise OracleError(f"`{' '.join(cmd)}` failed ({p.returncode}): {p.stderr.decode(errors='replace').strip()}")
    return p.stdout


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def display(raw: bytes) -> str:
    """A path as Tarsier's schema spells it: UTF-8 as is, other bytes as `\\xNN`, `\\` as `\\\\`."""
    out = []
    i = 0
    while i < len(raw):
        for j in (4, 3, 2, 1):
            chunk = raw[i:i + j]
            try:
                s = chunk.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out.append("\\\\" if s == "\\" else s)
                i += j
                break
        else:
            out.append("\\x%02x" % raw[i])
            i += 1
    return "".join(out)


def norm(p: str) -> str:
    """`./a/b/` → `a/b`; the root is ``."""
    while p.startswith("./"):
        p = p[2:]
    p = p.lstrip("/").rstrip("/")
    return "" if p == "." else p


def sniff(path):
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return "none"


def decompress(src, dst):
    kind = sniff(src)
    if kind == "none":
        shutil.copyfile(src, dst)
    else:
        tool = "gzip" if kind == "gzip" else "zstd"
        need(tool)
        with open(dst, "wb") as out:
            p = subprocess.run([tool, "-dc", src], stdout=out, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise OracleError(f"{tool} -dc {src}: {p.stderr.decode(errors='replace').strip()}")
    return kind


# ------------------------------------------------------------------------------------------------
# GNU tar listings

TYPE = {"-": "file", "d": "dir", "l": "symlink", "h": "hardlink", "p": "fifo", "c": "char",
        "b": "block", "s": "socket"}


def parse_tvv(out: bytes):
    """`tar --full-time --quoting-style=literal -tvv` lines: mode, owner, size (or `major,minor`),
    date, time, name[ -> target | link to target]. `  x:` lines (xattrs) are skipped."""
    entries = []
    for raw in out.split(b"\n"):
        if not raw.strip() or raw.startswith(b"  "):
            continue
        fields = []
        rest = raw
        # mode, owner, size-or-device, date, time; a device is "major,minor" (maybe "1, 3")
        for _ in range(5):
            rest = rest.lstrip(b" ")
            cut = rest.index(b" ")
            fields.append(rest[:cut])
            rest = rest[cut + 1:]
            if len(fields) == 3 and fields[2].endswith(b","):
                rest = rest.lstrip(b" ")
                cut = rest.index(b" ")
                fields[2] += rest[:cut]
                rest = rest[cut + 1:]
        mode, owner, size, date, time = (f.decode() for f in fields)
        name, link = rest, None
        kind = TYPE.get(mode[0], mode[0])
        if kind == "symlink" and b" -> " in rest:
            name, link = rest.split(b" -> ", 1)
        elif kind == "hardlink" and b" link to " in rest:
            name, link = rest.split(b" link to ", 1)
        user, group = owner.split("/", 1)
        entries.append(dict(
            kind=kind, mode_str=mode.rstrip("+.*")[:10], owner=owner, user=user, group=group,
            size=None if "," in size else int(size), device=size if "," in size else None,
            date=date, time=time[:5], full_time=f"{date} {time}",
            path=norm(display(name)), name_raw=name,
            link=None if link is None else display(link)))
    return entries


def layer_listing(tar_path):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    args = ["tar", "--xattrs", "--xattrs-include=*", "--full-time", "--quoting-style=literal", "-tvvf", tar_path]
    named = parse_tvv(run(args, env=env))
    numeric = parse_tvv(run(args[:1] + ["--numeric-owner"] + args[1:], env=env))
    if len(named) != len(numeric):
        raise OracleError(f"tar listed {tar_path} twice with different lengths")
    for e, n in zip(named, numeric):
        e["uid"], e["gid"] = int(n["user"]), int(n["group"])
        # `tar -tv` prints the name from the header when there is one, else the number.
        e["uname"] = e["user"] if e["user"] != n["user"] or not e["user"].isdigit() else ""
        e["gname"] = e["group"] if e["group"] != n["group"] or not e["group"].isdigit() else ""
    return named


def getcap(root):
    out = run(["getcap", "-r", "."], cwd=root).decode(errors="replace")
    caps = {}
    for line in out.splitlines():
        if " " in line:
            p, c = line.rsplit(" ", 1)
            caps[norm(p)] = c
    return caps


def layer_truth(tar_path, work):
    """One layer: its listing, and the sha256 of each regular file as GNU tar extracts it."""
    entries = layer_listing(tar_path)
    dest = os.path.join(work, "x")
    os.makedirs(dest)
    run(["tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", tar_path, "-C", dest])
    last = {}
    for i, e in enumerate(entries):
        last[e["path"]] = i
    for i, e in enumerate(entries):
        e.pop("name_raw")
        if e["kind"] == "file" and last[e["path"]] == i and ".." not in e["path"].split("/"):
            f = os.path.join(dest, e["path"])
            if os.path.isfile(f) and not os.path.islink(f):
                e["sha256"] = sha256_file(f)
    caps = getcap(dest)
    for i, e in enumerate(entries):
        if e["path"] in caps and last[e["path"]] == i:
            e["caps"] = caps[e["path"]]
    return entries, dest


# ------------------------------------------------------------------------------------------------
# os-release, as a shell reads it

OS_FIELDS = ("ID", "NAME", "VERSION_ID", "VERSION_CODENAME", "PRETTY_NAME")


def os_release_truth(rootfs, merged, listings):
    """/etc/os-release when it is a regular file in the merged tree, else /usr/lib/os-release
    (os-release(5)), sourced by /bin/sh with an empty environment; a field the file does not set
    is None. `layer`: the last layer whose tar listing has the file."""
    kinds = {e["path"]: e["kind"] for e in merged}
    for rel in ("etc/os-release", "usr/lib/os-release"):
        if kinds.get(rel) != "file":
            continue
        script = 'set -a; . "$1"; ' + " ".join(f'printf "%s\\0" "${{{f}-<unset>}}";' for f in OS_FIELDS)
        out = run(["env", "-i", "/bin/sh", "-c", script, "sh", os.path.join(rootfs, rel)]).decode()
        values = out.split("\0")[:len(OS_FIELDS)]
        layer = max((k for k, (entries, _) in enumerate(listings) if any(e["path"] == rel for e in entries)), default=None)
        truth = {f.lower(): (None if v == "<unset>" else v) for f, v in zip(OS_FIELDS, values)}
        return dict(path=rel, layer=layer, **truth)
    return None


# ------------------------------------------------------------------------------------------------
# The merged filesystem, as umoci unpacks it

def merged_truth(rootfs):
    out = []
    caps = getcap(rootfs)
    base = os.fsencode(rootfs)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, base)
            st = os.lstat(full)
            m = st.st_mode
            kind = ("dir" if stat.S_ISDIR(m) else "symlink" if stat.S_ISLNK(m) else
                    "file" if stat.S_ISREG(m) else "fifo" if stat.S_ISFIFO(m) else
                    "char" if stat.S_ISCHR(m) else "block" if stat.S_ISBLK(m) else "other")
            path = display(rel)
            item = dict(path=path, kind=kind, mode=stat.S_IMODE(m), mode_str=stat.filemode(m),
                        uid=st.st_uid, gid=st.st_gid, mtime=int(st.st_mtime), nlink=st.st_nlink)
            if kind == "file":
                item["size"] = st.st_size
                item["sha256"] = sha256_file(full)
                item["inode"] = st.st_ino
            if kind == "symlink":
                item["link"] = display(os.readlink(full))
                item["size"] = len(os.readlink(full))
            if kind in ("char", "block"):
                item["device"] = f"{os.major(st.st_rdev)},{os.minor(st.st_rdev)}"
            if path in caps:
                item["caps"] = caps[path]
            out.append(item)
    out.sort(key=lambda e: e["path"])
    return out


# ------------------------------------------------------------------------------------------------
# Packages

def dpkg_query(status_bytes, work):
    """Installed packages of a dpkg status file, as dpkg-query itself reads it."""
    need("dpkg-query")
    admin = os.path.join(work, "dpkg-admin")
    shutil.rmtree(admin, ignore_errors=True)
    os.makedirs(os.path.join(admin, "info"))
    os.makedirs(os.path.join(admin, "updates"))
    with open(os.path.join(admin, "status"), "wb") as f:
        f.write(status_bytes)
    open(os.path.join(admin, "available"), "wb").close()
    out = run(["dpkg-query", f"--admindir={admin}", "-W", "-f",
               "${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n"]).decode()
    pk = {}
    for line in out.splitlines():
        st, name, version, arch = line.split("\t")
        if st == "installed":
            pk[name] = dict(version=version, architecture=arch or None)
    return pk


def apk_installed(data: bytes):
    """apk's installed database (https://wiki.alpinelinux.org/wiki/Apk_spec): one package per
    blank-line-separated record of `X:value` lines; `P:` name, `V:` version, `A:` architecture."""
    pk = {}
    for record in data.decode("utf-8", errors="replace").split("\n\n"):
        fields = {}
        for line in record.splitlines():
            if len(line) >= 2 and line[1] == ":":
                fields.setdefault(line[0], line[2:])
        if fields.get("P"):
            pk[fields["P"]] = dict(version=fields.get("V", ""), architecture=fields.get("A"))
    return pk


PACKAGE_DBS = {"var/lib/dpkg/status": "dpkg", "lib/apk/db/installed": "apk"}


def db_states(layers):
    """For each layer position, the bytes of each package database in the merged view after that
    layer (None when absent), by OCI whiteout rules applied to these few paths only: in a layer,
    `.wh.<name>` of the path or of an ancestor, or `.wh..wh..opq` in an ancestor directory,
    removes lower content first; then a regular file at the path sets it."""
    state = {p: None for p in PACKAGE_DBS}
    out = []
    for entries, extracted in layers:
        for path in PACKAGE_DBS:
            parts = path.split("/")
            for e in entries:
                d, _, b = e["path"].rpartition("/")
                if b == ".wh..wh..opq" and (path.startswith(d + "/") if d else True):
                    state[path] = None
                elif b.startswith(".wh.") and not b.startswith(".wh..wh."):
                    gone = (d + "/" if d else "") + b[4:]
                    if path == gone or path.startswith(gone + "/"):
                        state[path] = None
            del parts
        for path in PACKAGE_DBS:
            for e in entries:
                if e["path"] == path and e["kind"] == "file":
                    with open(os.path.join(extracted, path), "rb") as f:
                        state[path] = f.read()
        out.append(dict(state))
    return out


def packages_truth(layers, work):
    """name, version, source, architecture, the layer that installed it (the first layer of its
    last unbroken presence) and the layers that changed its version — from the databases."""
    states = db_states(layers)
    current = {}
    for pos, st in enumerate(states):
        now = {}
        for path, source in PACKAGE_DBS.items():
            data = st[path]
            if data is None:
                continue
            pk = dpkg_query(data, work) if source == "dpkg" else apk_installed(data)
            for name, p in pk.items():
                now[(name, source)] = p
        for key in list(current):
            if key not in now:
                del current[key]
        for key, p in now.items():
            if key in current:
                if current[key]["version"] != p["version"]:
                    current[key]["version"] = p["version"]
                    current[key]["changed_in"].append(pos)
            else:
                current[key] = dict(name=key[0], source=key[1], version=p["version"],
                                    architecture=p["architecture"], installed_in=pos, changed_in=[])
    return sorted(current.values(), key=lambda p: (p["name"], p["source"]))


# ------------------------------------------------------------------------------------------------
# dive's efficiency, recomputed from the listings

class Node:
    __slots__ = ("name", "parent", "children", "size", "is_dir")

    def __init__(self, name, parent, size=0, is_dir=False):
        self.name, self.parent, self.children, self.size, self.is_dir = name, parent, {}, size, is_dir

    def path(self):
        names = []
        n = self
        while n.parent is not None:
            nm = n.name
            if n is self and nm.startswith(".wh."):
                nm = nm[4:]
            names.append(nm)
            n = n.parent
        return "/" + "/".join(reversed(names))

    def visit_child_first(self, fn, only_leaves=False):
        for k in sorted(self.children):
            self.children[k].visit_child_first(fn, only_leaves)
        if self.parent is not None and (not only_leaves or not self.children):
            fn(self)


def dive_add(root, path, size, is_dir):
    names = [n for n in posixpath.normpath("/" + path).strip("/").split("/") if n]
    if not names:
        return
    node = root
    for i, name in enumerate(names):
        if name in node.children:
            node = node.children[name]
        else:
            if name.startswith(".wh..wh.."):
                return
            child = Node(name, node)
            node.children[name] = child
            node = child
        if i == len(names) - 1:
            node.size, node.is_dir = size, is_dir


def dive_get(root, path):
    node = root
    for name in [n for n in path.strip("/").split("/") if n]:
        if name not in node.children:
            return None
        node = node.children[name]
    return node


def dive_copy(n, parent=None):
    c = Node(n.name, parent, n.size, n.is_dir)
    for k, v in n.children.items():
        c.children[k] = dive_copy(v, c)
    return c


def dive_stack(lower, upper):
    """dive's `FileTree.Stack`: a whiteout removes its path with everything under it, any other
    node of the upper tree is added (AddPath: a node that exists takes the new payload and keeps
    its children). Whiteouts first, then additions (stated deviation 2 below)."""
    nodes = []
    upper.visit_child_first(nodes.append)
    for n in nodes:
        if n.name.startswith(".wh."):
            victim = dive_get(lower, n.path())
            if victim is not None and victim.parent is not None:
                del victim.parent.children[victim.name]
    for n in nodes:
        if not n.name.startswith(".wh."):
            dive_add(lower, n.path().lstrip("/"), n.size, n.is_dir)


def dive_efficiency(layer_entries):
    """dive's `filetree.Efficiency` (github.com/wagoodman/dive, dive/filetree/efficiency.go):

    * each layer is a tree of its tar entries (`.wh..wh.*` names are never added; a `.wh.x` entry
      is a node named `.wh.x` whose path is `x`); sizes are the tar header sizes (0 for
      directories, links and special files);
    * in every layer, every *leaf* node (no children in that layer's tree) is visited, in sorted
      depth-first order; its size is the header size, except for a whiteout, whose size is that of
      everything under the path in the layers below stacked (a directory: the sum over it and all
      it contains; anything else: 0);
    * per path: cumulative size = sum over visits, minimum = smallest visit;
    * score = Σ minimum / Σ cumulative over all paths (1.0 when Σ cumulative is 0); wasted space
      ("potential wasted space") = Σ cumulative over paths visited more than once.

    Three deviations, stated: (1) dive stops scanning a layer when a whiteout names a path absent
    below (an error it logs); here such a whiteout is sized 0 and the scan goes on. (2) In one
    layer, whiteouts apply before additions when stacking (the OCI layer spec's order; dive
    applies them in sorted name order). (3) Entries whose name has a `..` component are left out
    (they are not part of the image; dive's path.Clean would resolve them).
    """
    trees = []
    for entries in layer_entries:
        root = Node("", None)
        for e in entries:
            if e["path"] == "" or ".." in e["path"].split("/"):
                continue
            dive_add(root, e["path"], e["size"] or 0, e["kind"] == "dir")
        trees.append(root)
    data = {}
    for idx, tree in enumerate(trees):
        stacked = None

        def visit(n):
            nonlocal stacked
            if n.name.startswith(".wh."):
                if stacked is None:
                    stacked = dive_copy(trees[0])
                    for t in trees[0:idx]:
                        dive_stack(stacked, t)
                prev = dive_get(stacked, n.path())
                size = 0
                if prev is not None and prev.is_dir:
                    acc = [0]
                    prev.visit_child_first(lambda x: acc.__setitem__(0, acc[0] + x.size))
                    size = acc[0]  # the walk visits `prev` itself too, as dive's does
            else:
                size = n.size
            d = data.setdefault(n.path(), [0, None, 0])
            d[0] += size
            d[1] = size if d[1] is None or size < d[1] else d[1]
            d[2] += 1

        tree.visit_child_first(visit, only_leaves=True)
    minimum = sum(v[1] for v in data.values())
    cumulative = sum(v[0] for v in data.values())
    score = 1.0 if cumulative == 0 else minimum / cumulative
    wasted = sum(v[0] for v in data.values() if v[2] > 1)
    ineff = sorted(((p.lstrip("/"), v[2], v[0]) for p, v in data.items() if v[2] > 1),
                   key=lambda t: (-t[2], t[0]))
    return dict(score=score, dive_wasted_bytes=wasted,
                inefficient_paths=[dict(path=p, versions=n, cumulative_bytes=c) for p, n, c in ineff])


# ------------------------------------------------------------------------------------------------
# Tarsier's per-layer changes and wasted bytes, recomputed from the listings

def tarsier_changes(layer_entries):
    """The rules docs/report-schema.md states, applied to the listings with OCI whiteouts:
    in each layer, opaque markers (`dir/.wh..wh..opq`: everything below `dir`) and whiteouts
    (`.wh.x`: `x` and everything below it) remove present paths first — each removed path counts
    as `deleted` (bytes: its file size) — then the layer's other entries apply in tar order, with
    missing parent directories implied: a path not present is `added`, a path present from an
    earlier layer is `modified` (a second entry for a path within one layer changes nothing in
    the counts). Size counts regular files only. A layer's `wasted_bytes` are the bytes of its
    files that later layers overwrite, delete, hide or replace by a directory."""
    present = {}   # path -> (writer layer, file size, kind)
    changes = []
    for pos, entries in enumerate(layer_entries):
        ch = dict(added=0, modified=0, deleted=0, added_bytes=0, modified_bytes=0, deleted_bytes=0)
        wasted_into = []

        def remove(prefix, include_self):
            gone = [p for p in present if (p == prefix and include_self) or
                    (p.startswith(prefix + "/") if prefix else p != "")]
            for p in gone:
                writer, size, _ = present.pop(p)
                wasted_into.append((writer, size))
                ch["deleted"] += 1
                ch["deleted_bytes"] += size
        def is_special(b):
            return b.startswith(".wh.")
        for e in entries:
            d, _, b = e["path"].rpartition("/")
            if ".." in e["path"].split("/"):
                continue
            if b == ".wh..wh..opq":
                remove(d, False)
        for e in entries:
            d, _, b = e["path"].rpartition("/")
            if ".." in e["path"].split("/"):
                continue
            if b.startswith(".wh.") and not b.startswith(".wh..wh."):
                target = (d + "/" if d else "") + b[4:]
                remove(target, True)
        seen = set()
        for e in entries:
            p = e["path"]
            b = p.rpartition("/")[2]
            if is_special(b) or ".." in p.split("/") or p == "":
                continue
            # implied parents: a non-directory in the way is replaced (its bytes wasted)
            parts = p.split("/")
            for i in range(1, len(parts)):
                parent = "/".join(parts[:i])
                cur = present.get(parent)
                if cur is not None and cur[2] == "dir":
                    continue
                if cur is not None:
                    wasted_into.append((cur[0], cur[1]))
                present[parent] = (pos, 0, "dir")
            size = e["size"] if e["kind"] == "file" else 0
            cur = present.get(p)
            if p in seen:
                pass  # a second entry for the path in this layer: the last one wins
            elif cur is not None and cur[0] != pos:
                wasted_into.append((cur[0], cur[1]))
                if cur[2] == "dir" and e["kind"] != "dir":
                    remove(p, False)
                ch["modified"] += 1
                ch["modified_bytes"] += size
            else:
                ch["added"] += 1
                ch["added_bytes"] += size
            seen.add(p)
            present[p] = (pos, size, e["kind"])
        changes.append(dict(ch, wasted_bytes=0, _wasted_into=wasted_into))
    for ch in changes:
        for writer, size in ch.pop("_wasted_into"):
            changes[writer]["wasted_bytes"] += size
    return changes


# ------------------------------------------------------------------------------------------------
# The archive and its images

def outer_members(archive_tar):
    out = run(["tar", "--quoting-style=literal", "--numeric-owner", "-tvf", archive_tar],
              env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    return parse_tvv(out)


def image_sources(outer, archive_tar):
    """The images as the archive records them: manifest.json's items (docker view), else the
    OCI index's image manifests. Each: skopeo source, tags, layer member paths, and the OCI
    manifest digest when the archive holds one for that image."""
    manifest = os.path.join(outer, "manifest.json")
    index_path = os.path.join(outer, "index.json")
    index = json.load(open(index_path)) if os.path.exists(index_path) else None
    oci = []  # (descriptor, manifest json)

    def walk(descs, parent_ref):
        for d in descs or []:
            ann = d.get("annotations") or {}
            ref = ann.get("io.containerd.image.name") or ann.get("org.opencontainers.image.ref.name") or parent_ref
            blob = os.path.join(outer, "blobs", *d["digest"].split(":", 1))
            if not os.path.exists(blob):
                continue
            if "sha256:" + sha256_file(blob) != d["digest"]:
                raise OracleError(f"blob {d['digest']} does not match its digest")
            m = json.load(open(blob))
            if m.get("manifests") is not None:
                walk(m["manifests"], ref)
            elif m.get("config"):
                oci.append((d, m, ref))
    if index:
        walk(index.get("manifests"), None)
    images = []
    items = json.load(open(manifest)) if os.path.exists(manifest) else None
    if items:
        for i, item in enumerate(items):
            cfg_digest = "sha256:" + sha256_file(os.path.join(outer, item["Config"]))
            match = [o for o in oci if o[1]["config"]["digest"] == cfg_digest]
            images.append(dict(
                source=f"docker-archive:{archive_tar}:@{i}", tags=item.get("RepoTags") or [],
                members=item.get("Layers") or [],
                manifest_digest=match[0][0]["digest"] if match else None))
        fmt = "oci_with_docker_manifest" if index is not None else "docker_archive"
    else:
        for d, m, ref in oci:
            images.append(dict(
                source=f"oci:{outer}:{ref}" if ref and len(oci) > 1 else f"oci:{outer}",
                tags=[ref] if ref else [],
                members=["blobs/" + l["digest"].replace(":", "/") for l in m.get("layers") or []],
                manifest_digest=d["digest"]))
        fmt = "oci_layout"
    return images, fmt


def skopeo(args, source):
    return run(["skopeo"] + args + [source])


def image_truth(i, img, outer, members_by_path, work):
    src = img["source"]
    inspect = json.loads(skopeo(["inspect"], src))
    raw_manifest = skopeo(["inspect", "--raw"], src)
    raw_config = skopeo(["inspect", "--config", "--raw"], src)
    manifest = json.loads(raw_manifest)
    config = json.loads(raw_config)
    manifest_digest = img["manifest_digest"]
    if manifest_digest is not None and not src.startswith("docker-archive:"):
        # the OCI view: skopeo's digest of the manifest must be the index's
        if inspect["Digest"] != manifest_digest or "sha256:" + hashlib.sha256(raw_manifest).hexdigest() != manifest_digest:
            raise OracleError(f"{src}: skopeo's manifest digest {inspect['Digest']} is not the index's {manifest_digest}")
    diff_ids = (config.get("rootfs") or {}).get("diff_ids") or []
    layers = []
    listings = []
    for k, member in enumerate(img["members"]):
        d = os.path.join(work, f"img{i}", f"layer{k:02d}")
        os.makedirs(d)
        blob = os.path.join(outer, member)
        tar_path = os.path.join(d, "layer.tar")
        compression = decompress(blob, tar_path)
        entries, extracted = layer_truth(tar_path, d)
        listings.append((entries, extracted))
        info = members_by_path.get(norm(member))
        layers.append(dict(
            member=norm(member), digest=inspect["Layers"][k] if k < len(inspect["Layers"]) else None,
            diff_id="sha256:" + sha256_file(tar_path), config_diff_id=diff_ids[k] if k < len(diff_ids) else None,
            compression=compression, compressed_size=os.path.getsize(blob),
            uncompressed_size=os.path.getsize(tar_path), member_size=info["size"] if info else None,
            entries=entries))
    # the merged view: umoci unpack of an OCI copy (gzip layers: umoci 0.4 cannot read zstd)
    oci_dir = os.path.join(work, f"img{i}", "oci")
    copy = ["copy", "-q"]
    if any(l["compression"] == "zstd" for l in layers):
        copy += ["--dest-compress-format", "gzip", "--dest-compress"]
    run(["skopeo"] + copy + [src, f"oci:{oci_dir}:x"])
    bundle = os.path.join(work, f"img{i}", "bundle")
    run(["umoci", "unpack", "--image", f"{oci_dir}:x", bundle])
    merged = merged_truth(os.path.join(bundle, "rootfs"))
    os_release = os_release_truth(os.path.join(bundle, "rootfs"), merged, listings)
    numeric = [e for e, _ in listings]
    findings = dict(
        setuid=sorted(e["path"] for e in merged if e["kind"] == "file" and e["mode"] & 0o4000),
        setgid=sorted(e["path"] for e in merged if e["kind"] == "file" and e["mode"] & 0o2000),
        file_capabilities={e["path"]: e["caps"] for e in merged if "caps" in e},
        world_writable=sorted(e["path"] for e in merged if e["kind"] in ("file", "dir") and e["mode"] & 0o002
                              and not (e["kind"] == "dir" and e["mode"] & 0o1000)),
        world_writable_sticky=sorted(e["path"] for e in merged if e["kind"] == "dir" and e["mode"] & 0o1002 == 0o1002),
    )
    changes = tarsier_changes(numeric)
    eff = dive_efficiency(numeric)
    eff["wasted_bytes"] = sum(c["wasted_bytes"] for c in changes)
    return dict(
        source=src, tags=img["tags"], manifest_digest=manifest_digest, skopeo_digest=inspect["Digest"],
        config_digest="sha256:" + hashlib.sha256(raw_config).hexdigest(),
        manifest_config_digest=manifest["config"]["digest"],
        os=config.get("os"), architecture=config.get("architecture"), variant=config.get("variant"),
        created=config.get("created"), env=inspect.get("Env") or [],
        diff_ids=diff_ids, layers=layers, changes=changes, efficiency=eff,
        merged=merged, packages=packages_truth(listings, work), findings=findings, os_release=os_release)


def script_digest():
    return sha256_file(os.path.abspath(__file__))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    archive, out_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    truth_path = os.path.join(out_dir, "truth.json")
    digest = sha256_file(archive)
    me = script_digest()
    if os.path.exists(truth_path):
        try:
            old = json.load(open(truth_path))
            if old["archive"]["sha256"] == digest and old["script"] == me:
                return
        except (ValueError, KeyError):
            pass
    if os.geteuid() != 0:
        raise OracleError("the oracle needs root (umoci unpack and tar -x keep file owners only as root)")
    for tool in ("tar", "skopeo", "umoci", "getcap"):
        need(tool)
    work = out_dir + ".work"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    staged = os.path.join(work, "archive.tar")
    outer_compression = decompress(archive, staged)
    members = outer_members(staged)
    outer = os.path.join(work, "outer")
    os.makedirs(outer)
    run(["tar", "-xf", staged, "-C", outer])
    by_path = {}
    for m in members:
        by_path[m["path"]] = m
    images, fmt = image_sources(outer, staged)
    truth = dict(
        script=me,
        archive=dict(name=os.path.basename(archive), size=os.path.getsize(archive), sha256=digest,
                     compression=outer_compression, members=len(members)),
        format=fmt,
        images=[image_truth(i, img, outer, by_path, work) for i, img in enumerate(images)])
    os.makedirs(out_dir, exist_ok=True)
    tmp = truth_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
    os.replace(tmp, truth_path)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except OracleError as e:
        sys.exit(f"truth.py: {e}")
