//! The profile as it is on the wire: Docker's / OCI's JSON, field for field, nothing checked yet.
//!
//! Field names and types follow moby/profiles `seccomp/seccomp.go` (`Seccomp`, `Architecture`,
//! `Filter`, `Syscall`), which embeds the runtime-spec's `LinuxSeccomp`, `LinuxSyscall` and
//! `LinuxSeccompArg` ([config-linux.md#seccomp](https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#seccomp)),
//! plus containers/common's `defaultErrno` / `errno` (errno names beside the numbers). Every
//! field is optional here; [`super::profile`] decides what is required. Fields nobody defines
//! are kept in `extra` and reported.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawProfile {
    #[serde(rename = "defaultAction")]
    pub default_action: Option<String>,
    #[serde(rename = "defaultErrnoRet")]
    pub default_errno_ret: Option<u64>,
    /// containers/common: the default errno by name (`ENOSYS`).
    #[serde(rename = "defaultErrno")]
    pub default_errno: Option<String>,
    pub architectures: Option<Vec<String>>,
    #[serde(rename = "archMap")]
    pub arch_map: Option<Vec<RawArchMap>>,
    pub syscalls: Option<Vec<RawSyscall>>,
    pub flags: Option<Vec<String>>,
    #[serde(rename = "listenerPath")]
    pub listener_path: Option<String>,
    #[serde(rename = "listenerMetadata")]
    pub listener_metadata: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawArchMap {
    pub architecture: Option<String>,
    #[serde(rename = "subArchitectures")]
    pub sub_architectures: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawSyscall {
    pub names: Option<Vec<String>>,
    /// The older single-name form; Docker refuses a rule with both.
    pub name: Option<String>,
    pub action: Option<String>,
    #[serde(rename = "errnoRet")]
    pub errno_ret: Option<u64>,
    /// containers/common: the errno by name (`EPERM`).
    pub errno: Option<String>,
    pub args: Option<Vec<RawArg>>,
    pub comment: Option<String>,
    pub includes: Option<RawFilter>,
    pub excludes: Option<RawFilter>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawArg {
    pub index: Option<u64>,
    pub value: Option<u64>,
    #[serde(rename = "valueTwo")]
    pub value_two: Option<u64>,
    pub op: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawFilter {
    pub caps: Option<Vec<String>>,
    pub arches: Option<Vec<String>>,
    #[serde(rename = "minKernel")]
    pub min_kernel: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}
