//! The image config (OCI image-spec `config.md`, which Docker's is a superset of): the base's,
//! every field kept, with the user's settings, the new `diff_ids` and history lines.

use super::error::BuildError;
use super::spec::{ConfigSpec, Platform};
use serde_json::{json, Map, Value};

/// A layer this build adds, for the config's `rootfs` and `history`.
#[derive(Debug, Clone)]
pub struct AddedLayer {
    pub diff_id: String,
    pub created_by: String,
    pub comment: Option<String>,
}

/// The config JSON: `base` (or an empty one) with `spec`'s settings, `created`, and `added`'s
/// diff_ids and history lines; with no layer added, one history line marked `empty_layer`.
///
/// # Errors
/// A sentence when an exposed port is not `PORT[/tcp|udp|sctp]` or an `Env` line has no `=`.
pub fn compose(base: Option<&Map<String, Value>>, spec: &ConfigSpec, created: &str, added: &[AddedLayer], empty_created_by: &str) -> Result<Vec<u8>, BuildError> {
    let mut c = base.cloned().unwrap_or_default();
    let platform = spec.platform.clone().or_else(|| base.map(platform_of)).unwrap_or_default();
    c.insert("os".into(), json!(platform.os));
    c.insert("architecture".into(), json!(platform.architecture));
    match platform.variant {
        Some(v) => c.insert("variant".into(), json!(v)),
        None => c.remove("variant"),
    };
    c.insert("created".into(), json!(created));
    let mut cfg = match c.remove("config") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    apply(&mut cfg, spec)?;
    c.insert("config".into(), Value::Object(cfg));
    let mut rootfs = match c.remove("rootfs") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    rootfs.insert("type".into(), json!("layers"));
    let mut ids = match rootfs.remove("diff_ids") {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    ids.extend(added.iter().map(|l| json!(l.diff_id)));
    rootfs.insert("diff_ids".into(), Value::Array(ids));
    c.insert("rootfs".into(), Value::Object(rootfs));
    let mut history = match c.remove("history") {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    for l in added {
        let mut h = json!({ "created": created, "created_by": l.created_by });
        if let Some(comment) = &l.comment {
            h["comment"] = json!(comment);
        }
        history.push(h);
    }
    if added.is_empty() {
        history.push(json!({ "created": created, "created_by": empty_created_by, "empty_layer": true }));
    }
    c.insert("history".into(), Value::Array(history));
    serde_json::to_vec(&Value::Object(c)).map_err(|e| BuildError::Invalid(format!("the config cannot be written as JSON: {e}")))
}

fn platform_of(base: &Map<String, Value>) -> Platform {
    let s = |k: &str| base.get(k).and_then(Value::as_str).map(str::to_owned);
    Platform { os: s("os").unwrap_or_else(|| "linux".into()), architecture: s("architecture").unwrap_or_else(|| "amd64".into()), variant: s("variant") }
}

/// The user's settings over the base's `config` object.
fn apply(cfg: &mut Map<String, Value>, spec: &ConfigSpec) -> Result<(), BuildError> {
    if let Some(cmd) = &spec.cmd {
        cfg.insert("Cmd".into(), json!(cmd));
    }
    if let Some(ep) = &spec.entrypoint {
        cfg.insert("Entrypoint".into(), json!(ep));
    }
    if !spec.env.is_empty() {
        let mut env: Vec<String> = cfg.get("Env").and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default();
        for line in &spec.env {
            let Some((key, _)) = line.split_once('=') else {
                return Err(BuildError::Invalid(format!("the environment line {line} has no \"=\": give KEY=VALUE")));
            };
            match env.iter_mut().find(|e| e.split_once('=').map_or(e.as_str(), |(k, _)| k) == key) {
                Some(old) => old.clone_from(line),
                None => env.push(line.clone()),
            }
        }
        cfg.insert("Env".into(), json!(env));
    }
    for (key, value) in [("WorkingDir", &spec.working_dir), ("User", &spec.user), ("StopSignal", &spec.stop_signal)] {
        if let Some(v) = value {
            cfg.insert(key.into(), json!(v));
        }
    }
    let set = |cfg: &mut Map<String, Value>, key: &str, names: Vec<String>| {
        let mut m = match cfg.remove(key) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for n in names {
            m.insert(n, json!({}));
        }
        cfg.insert(key.into(), Value::Object(m));
    };
    if !spec.exposed_ports.is_empty() {
        let ports = spec.exposed_ports.iter().map(|p| port(p)).collect::<Result<Vec<_>, _>>()?;
        set(cfg, "ExposedPorts", ports);
    }
    if !spec.volumes.is_empty() {
        set(cfg, "Volumes", spec.volumes.clone());
    }
    if !spec.labels.is_empty() {
        let mut m = match cfg.remove("Labels") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for (k, v) in &spec.labels {
            m.insert(k.clone(), json!(v));
        }
        cfg.insert("Labels".into(), Value::Object(m));
    }
    Ok(())
}

/// `80` → `80/tcp`; `53/udp` kept; anything else refused.
fn port(p: &str) -> Result<String, BuildError> {
    let (num, proto) = p.split_once('/').unwrap_or((p, "tcp"));
    match (num.parse::<u16>(), proto) {
        (Ok(n), "tcp" | "udp" | "sctp") if n > 0 => Ok(format!("{n}/{proto}")),
        _ => Err(BuildError::Invalid(format!("the port {p} is not PORT or PORT/tcp|udp|sctp (1–65535)"))),
    }
}
