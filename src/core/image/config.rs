//! Wire-shaped JSON of image archives, then the domain model.
//!
//! - `manifest.json` of `docker save` ([moby image/spec/v1.2](https://github.com/moby/docker-image-spec/blob/main/spec.md)):
//!   `[{"Config", "RepoTags", "Layers", "LayerSources"}]`
//! - OCI [image layout](https://github.com/opencontainers/image-spec/blob/main/image-layout.md),
//!   [index](https://github.com/opencontainers/image-spec/blob/main/image-index.md),
//!   [manifest](https://github.com/opencontainers/image-spec/blob/main/manifest.md) and
//!   [config](https://github.com/opencontainers/image-spec/blob/main/config.md).
//!
//! Every field is optional and unknown fields are ignored: archives in the wild omit, null out or
//! mistype fields (`RepoTags: null`, `manifests: null`), and the analysis says so in warnings.

use super::report::{ContainerConfig, Healthcheck, HistoryStep};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One item of `manifest.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawDockerManifestItem {
    #[serde(rename = "Config", default)]
    pub config: Option<String>,
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    pub layers: Option<Vec<String>>,
    #[serde(rename = "LayerSources", default)]
    pub layer_sources: Option<BTreeMap<String, RawDescriptor>>,
}

/// An OCI content descriptor.
#[derive(Debug, Clone, Deserialize)]
pub struct RawDescriptor {
    #[serde(rename = "mediaType", default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub digest: Option<String>,
    /// Declared blob size (kept for completeness; the archive's member size is what is read).
    #[serde(default)]
    #[allow(dead_code)]
    pub size: Option<i64>,
    #[serde(default)]
    pub annotations: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub platform: Option<RawPlatform>,
}

/// `platform` of an index entry.
#[derive(Debug, Clone, Deserialize)]
pub struct RawPlatform {
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
}

/// An OCI index or image manifest (both shapes in one struct: which fields are present decides).
#[derive(Debug, Clone, Deserialize)]
pub struct RawManifest {
    #[serde(rename = "mediaType", default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub config: Option<RawDescriptor>,
    #[serde(default)]
    pub layers: Option<Vec<RawDescriptor>>,
    #[serde(default)]
    pub manifests: Option<Vec<RawDescriptor>>,
}

/// The image config (OCI `application/vnd.oci.image.config.v1+json` / Docker container config).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawImageConfig {
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub config: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub rootfs: Option<RawRootfs>,
    #[serde(default)]
    pub history: Option<Vec<RawHistory>>,
}

/// `rootfs` of the config.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawRootfs {
    /// Always `layers` in practice.
    #[serde(rename = "type", default)]
    #[allow(dead_code)]
    pub kind: Option<String>,
    #[serde(default)]
    pub diff_ids: Option<Vec<String>>,
}

/// One `history` item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawHistory {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub empty_layer: Option<bool>,
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(a) => Some(
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                .collect(),
        ),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

fn keys(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn int(v: Option<&Value>) -> Option<i64> {
    v?.as_i64()
}

/// The `config` object as the domain model.
pub fn container_config(raw: Option<&BTreeMap<String, Value>>) -> ContainerConfig {
    let Some(c) = raw else {
        return ContainerConfig::default();
    };
    let labels = match c.get("Labels") {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let healthcheck = match c.get("Healthcheck") {
        Some(Value::Object(h)) => Some(Healthcheck {
            test: strings(h.get("Test")).unwrap_or_default(),
            interval_ns: int(h.get("Interval")),
            timeout_ns: int(h.get("Timeout")),
            start_period_ns: int(h.get("StartPeriod")),
            start_interval_ns: int(h.get("StartInterval")),
            retries: int(h.get("Retries")),
        }),
        _ => None,
    };
    ContainerConfig {
        user: string(c.get("User")),
        env: strings(c.get("Env")).unwrap_or_default(),
        entrypoint: strings(c.get("Entrypoint")),
        cmd: strings(c.get("Cmd")),
        working_dir: string(c.get("WorkingDir")),
        exposed_ports: keys(c.get("ExposedPorts")),
        volumes: keys(c.get("Volumes")),
        labels,
        stop_signal: string(c.get("StopSignal")),
        healthcheck,
        on_build: strings(c.get("OnBuild")).unwrap_or_default(),
        shell: strings(c.get("Shell")),
    }
}

/// History as the model, each non-empty step mapped to the next layer position.
/// Returns the steps and, per layer position, the history index that made it.
pub fn history(raw: &[RawHistory], layer_count: usize) -> (Vec<HistoryStep>, Vec<Option<usize>>) {
    let mut per_layer = vec![None; layer_count];
    let mut next = 0usize;
    let steps = raw
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let empty = h.empty_layer.unwrap_or(false);
            let layer = if empty {
                None
            } else {
                let l = next;
                next += 1;
                if let Some(slot) = per_layer.get_mut(l) {
                    *slot = Some(i);
                    Some(l)
                } else {
                    None
                }
            };
            HistoryStep {
                created: h.created.clone(),
                created_by: h.created_by.clone(),
                author: h.author.clone(),
                comment: h.comment.clone(),
                empty_layer: empty,
                layer,
            }
        })
        .collect();
    (steps, per_layer)
}

/// Validates a digest (`algorithm:hex`) and returns its blob path `blobs/<alg>/<hex>`.
pub fn digest_blob_path(digest: &str) -> Option<String> {
    let (alg, hex) = digest.split_once(':')?;
    let alg_ok = !alg.is_empty()
        && alg
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
    let hex_ok = !hex.is_empty()
        && hex
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b'_' || b == b'-');
    (alg_ok && hex_ok).then(|| format!("blobs/{alg}/{hex}"))
}

/// The digest a member path implies: `blobs/<alg>/<hex>` → `alg:hex`; `<64 hex>.tar|.json` → `sha256:hex`.
pub fn digest_from_member(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("blobs/") {
        let (alg, hex) = rest.split_once('/')?;
        if !hex.contains('/') {
            return Some(format!("{alg}:{hex}"));
        }
        return None;
    }
    let stem = path
        .strip_suffix(".tar")
        .or_else(|| path.strip_suffix(".json"))?;
    (stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("sha256:{stem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Docker reads `Cmd`, `Entrypoint` and the rest as a list, or a lone string as a one-item
    /// list (moby's `strslice.StrSlice.UnmarshalJSON`); ports and volumes are the keys of an
    /// object, and Tarsier also takes a list of names (what some hand-written configs hold).
    #[test]
    fn strings_and_keys_in_both_shapes() {
        let raw: BTreeMap<String, Value> = serde_json::from_str(
            r#"{"Cmd": "echo hi", "Entrypoint": ["/bin/sh", "-c"], "ExposedPorts": {"80/tcp": {}}, "Volumes": ["/data", "/logs"], "Env": "A=1"}"#,
        )
        .unwrap_or_default();
        let c = container_config(Some(&raw));
        assert_eq!(c.cmd, Some(vec!["echo hi".to_owned()]));
        assert_eq!(c.entrypoint, Some(vec!["/bin/sh".to_owned(), "-c".to_owned()]));
        assert_eq!(c.exposed_ports, ["80/tcp"]);
        assert_eq!(c.volumes, ["/data", "/logs"]);
        assert_eq!(c.env, ["A=1"]);
        let none = container_config(Some(&BTreeMap::from([("Cmd".to_owned(), Value::Null)])));
        assert_eq!(none.cmd, None);
    }

    /// The digest grammar of the OCI image spec (descriptor.md): `algorithm:encoded`, with the
    /// spec's own examples; anything else (a `/` above all) gives no blob path.
    #[test]
    fn digest_grammar_of_the_image_spec() {
        for d in [
            "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b",
            "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
            "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
            "sha256+b64:LCa0a2j=",
        ] {
            let (alg, hex) = d.split_once(':').unwrap_or_default();
            assert_eq!(digest_blob_path(d), Some(format!("blobs/{alg}/{hex}")), "{d}");
        }
        for d in ["sha256:", ":abc", "sha256", "SHA256:abc", "sha256:ab/cd", "sha256:../x", "sha 256:ab", "sha256:a+b"] {
            assert_eq!(digest_blob_path(d), None, "{d}");
        }
    }
}
