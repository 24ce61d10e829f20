"""The outside truth of tests/seccomp_verdicts.rs's kernel test: the filter libseccomp builds
from a profile, loaded into a forked child by the running kernel, and what that kernel answers.

stdin: a JSON list of cases, each {"profile": a Docker/OCI seccomp profile, "probes": [[NAME,
[ARG0, ARG1, ...]], ...]}. The profile may use only defaultAction/defaultErrnoRet, and rules with
names, action (SCMP_ACT_ALLOW or SCMP_ACT_ERRNO), errnoRet and args (index, value, valueTwo, op).
stdout: a JSON list, per case, of the errno each probe fails with (0: it succeeded).

The rules go to libseccomp (the system's libseccomp.so.2, through ctypes) as runc adds them
(libcontainer/seccomp/seccomp_linux.go): in order, one name at a time; a rule whose action
equals the default is left out (libseccomp refuses it); a rule whose conditions repeat an
argument becomes one rule per condition. The probes are calls the kernel answers whatever
their arguments (getpid, getuid, ...), so only the filter compares the arguments.
"""
import ctypes
import json
import os
import sys

lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
libc = ctypes.CDLL(None, use_errno=True)


class Arg(ctypes.Structure):
    """struct scmp_arg_cmp (seccomp.h)."""

    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


# enum scmp_compare (seccomp.h).
OPS = {"SCMP_CMP_NE": 1, "SCMP_CMP_LT": 2, "SCMP_CMP_LE": 3, "SCMP_CMP_EQ": 4, "SCMP_CMP_GE": 5, "SCMP_CMP_GT": 6, "SCMP_CMP_MASKED_EQ": 7}

lib.seccomp_init.restype = ctypes.c_void_p
lib.seccomp_init.argtypes = [ctypes.c_uint32]
lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Arg)]
lib.seccomp_load.argtypes = [ctypes.c_void_p]
libc.syscall.restype = ctypes.c_long


def action(kind, ret):
    """SCMP_ACT_ALLOW / SCMP_ACT_ERRNO(ret) (seccomp.h); runc's errno default is EPERM."""
    if kind == "SCMP_ACT_ALLOW":
        return 0x7FFF0000
    if kind == "SCMP_ACT_ERRNO":
        return 0x00050000 | ((1 if ret is None else ret) & 0xFFFF)
    raise SystemExit("unsupported action " + kind)


def add(ctx, act, nr, conds):
    arr = (Arg * max(1, len(conds)))(*[Arg(c["index"], OPS[c["op"]], c.get("value", 0), c.get("valueTwo", 0)) for c in conds])
    rc = lib.seccomp_rule_add_array(ctx, act, nr, len(conds), arr)
    if rc != 0:
        raise SystemExit("seccomp_rule_add_array: %d" % rc)


def child(case, w):
    profile = case["profile"]
    default = action(profile["defaultAction"], profile.get("defaultErrnoRet"))
    ctx = lib.seccomp_init(default)
    for rule in profile["syscalls"]:
        act = action(rule["action"], rule.get("errnoRet"))
        if act == default:
            continue
        conds = rule.get("args", [])
        indexes = [c["index"] for c in conds]
        split = len(set(indexes)) != len(indexes)
        for name in rule["names"]:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            for group in ([[c] for c in conds] if split else [conds]):
                add(ctx, act, nr, group)
    probes = [(lib.seccomp_syscall_resolve_name(n.encode()), [ctypes.c_ulong(a) for a in args]) for n, args in case["probes"]]
    answers = [0] * len(probes)
    if lib.seccomp_load(ctx) != 0:
        raise SystemExit("seccomp_load failed")
    for i, (nr, args) in enumerate(probes):
        ctypes.set_errno(0)
        if libc.syscall(ctypes.c_long(nr), *args) < 0:
            answers[i] = ctypes.get_errno()
    os.write(w, json.dumps(answers).encode())


def run(case):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            child(case, w)
        except BaseException as e:  # noqa: BLE001 - reported by the parent
            os.write(w, json.dumps({"error": repr(e)}).encode())
            code = 1
        os._exit(code)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if not data:
        raise SystemExit("the child wrote nothing (wait status %d)" % status)
    answers = json.loads(data)
    if isinstance(answers, dict):
        raise SystemExit("the child failed: %s" % answers["error"])
    return answers


print(json.dumps([run(c) for c in json.load(sys.stdin)]))
