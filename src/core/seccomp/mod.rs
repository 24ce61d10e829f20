//! Seccomp profiles: what a container may call, and why not.
//!
//! # Formats
//! - **Profiles** in Docker's / OCI's JSON: `defaultAction`, `defaultErrnoRet`, `architectures`
//!   or `archMap` (with `subArchitectures`), `syscalls[]` with `names` (or the older `name`),
//!   `action`, `errnoRet`, `args[]` (`index`, `value`, `valueTwo`, `op`), `includes`/`excludes`
//!   by `caps`, `arches` and `minKernel`, `comment`, `listenerPath`, `flags`. Specs: the
//!   runtime-spec's [seccomp section](https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#seccomp)
//!   and moby's extensions in [moby/profiles `seccomp/seccomp.go`](https://github.com/moby/profiles/blob/main/seccomp/seccomp.go);
//!   containers/common's `defaultErrno`/`errno` names are read too. Unknown fields are kept and
//!   reported ([`Profile::unknown_fields`]).
//! - **System call numbers** from libseccomp's [`src/syscalls.csv`](https://github.com/seccomp/libseccomp/blob/main/src/syscalls.csv),
//!   turned into Rust by `scripts/gen_syscalls.py` ([`syscalls`]).
//!
//! # Semantics, and where they come from
//! - Rule selection ([`select`]) ports `setupSeccomp` of moby/profiles
//!   [`seccomp/seccomp_linux.go`](https://github.com/moby/profiles/blob/main/seccomp/seccomp_linux.go):
//!   excludes first (host arch listed, a listed capability in the bounding set, kernel ≥
//!   `minKernel`), then includes (host arch listed, every listed capability in the bounding set,
//!   kernel ≥ `minKernel`). `arches` hold Docker's native names (`amd64`, `arm64`, `x86`, …, see
//!   [`Arch::docker_native`]); kernels compare by major.minor (`kernel_linux.go`).
//! - Building the filter ([`evaluate`]) follows runc
//!   ([`libcontainer/seccomp/seccomp_linux.go`](https://github.com/opencontainers/runc/blob/main/libcontainer/seccomp/seccomp_linux.go):
//!   rules equal to the default action are skipped, `SCMP_ACT_KILL` is kill-thread, errno and
//!   trace default to EPERM, repeated argument indexes split a rule) and libseccomp's
//!   `src/db.c` (the first unconditional rule for a call wins; conditional rules decide only when
//!   no unconditional one exists). runc's ENOSYS stub (`patchbpf/enosys_linux.go`) is reported
//!   per call ([`SyscallVerdict::runc_enosys`]).
//!
//! # API
//! | call | gives |
//! |---|---|
//! | [`parse_profile`]`(&str)` | a checked [`Profile`] or a [`ProfileError`] naming the JSON path |
//! | [`builtin::Builtin`]`::profile()` | Docker's current default, Docker's of 2018, podman's |
//! | [`evaluate`]`(&Profile, &Context)` | an [`Evaluation`]: every call of the architecture with its verdict |
//! | [`summarize`]`(&Evaluation)` | counts and plain words |
//! | [`compare`]`(&Evaluation, &Evaluation)` | the calls whose verdict differs |
//!
//! ```
//! use tarsier::core::seccomp::{builtin::Builtin, evaluate, summarize, Context};
//! use tarsier::core::caps::DOCKER_DEFAULT;
//! let docker = Builtin::Docker.profile().unwrap();
//! let plain = evaluate(&docker, &Context::docker_default());
//! assert_eq!(plain.verdict("mount").unwrap().outcome.word(), "EPERM");
//! let admin = Context { bounding: DOCKER_DEFAULT.with(21), ..Context::docker_default() };
//! assert_eq!(evaluate(&docker, &admin).verdict("mount").unwrap().outcome.word(), "allow");
//! assert!(summarize(&plain).text.contains("new namespaces without CAP_SYS_ADMIN"));
//! ```

mod arch;
pub mod builtin;
pub mod condition;
pub mod errno;
mod evaluate;
mod profile;
pub mod raw;
mod select;
mod summary;
pub mod syscalls;
mod syscalls_table;
mod table_row;

pub use arch::{Arch, UnknownArch, ALL as ALL_ARCHES};
pub use evaluate::{evaluate, Branch, Evaluation, Outcome, RuleReport, SyscallVerdict};
pub use profile::{
    build, parse_profile, parse_raw, Action, ActionKind, ArchMapEntry, ArchName, ArgCondition, CmpOp, Filter, Flag, Profile, ProfileError,
    Rule, UnknownField, MAX_ARGS, MAX_ARG_INDEX, MAX_ERRNO, MAX_LIST, MAX_NAMES_TOTAL, MAX_NAME_LEN, MAX_PROFILE_BYTES, MAX_RULES,
};
pub use select::{filter_architectures, has_cap, rule_status, select, Context, RuleStatus};
pub use summary::{brief, compare, summarize, Summary, SummaryGroup, VerdictDiff};
pub use syscalls::KernelVersion;
