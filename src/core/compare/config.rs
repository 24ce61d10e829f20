//! The config fields a user reads, compared: lists and maps by their items.

use super::types::ConfigChange;
use crate::core::image::ImageReport;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn list_change(field: &str, a: &[String], b: &[String]) -> Option<ConfigChange> {
    if a == b {
        return None;
    }
    let (sa, sb): (BTreeSet<&String>, BTreeSet<&String>) = (a.iter().collect(), b.iter().collect());
    Some(ConfigChange {
        field: field.into(),
        a: json!(a),
        b: json!(b),
        added: sb.difference(&sa).map(|s| (*s).clone()).collect(),
        removed: sa.difference(&sb).map(|s| (*s).clone()).collect(),
    })
}

fn value_change(field: &str, a: Value, b: Value) -> Option<ConfigChange> {
    (a != b).then(|| ConfigChange { field: field.into(), a, b, added: Vec::new(), removed: Vec::new() })
}

pub(crate) fn diff_config(a: &ImageReport, b: &ImageReport) -> Vec<ConfigChange> {
    let (ca, cb) = (&a.config, &b.config);
    let labels = |c: &crate::core::image::ContainerConfig| c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>();
    let steps = |i: &ImageReport| i.history.iter().map(|h| h.created_by.clone().unwrap_or_default()).collect::<Vec<_>>();
    let (ha, hb) = (steps(a), steps(b));
    let shared = ha.iter().zip(&hb).take_while(|(x, y)| x == y).count();
    [
        list_change("Env", &ca.env, &cb.env),
        value_change("Cmd", json!(ca.cmd), json!(cb.cmd)),
        value_change("Entrypoint", json!(ca.entrypoint), json!(cb.entrypoint)),
        value_change("User", json!(ca.user), json!(cb.user)),
        value_change("WorkingDir", json!(ca.working_dir), json!(cb.working_dir)),
        list_change("ExposedPorts", &ca.exposed_ports, &cb.exposed_ports),
        list_change("Volumes", &ca.volumes, &cb.volumes),
        list_change("Labels", &labels(ca), &labels(cb)),
        value_change("Healthcheck", json!(ca.healthcheck), json!(cb.healthcheck)),
        value_change("StopSignal", json!(ca.stop_signal), json!(cb.stop_signal)),
        value_change("Shell", json!(ca.shell), json!(cb.shell)),
        list_change("OnBuild", &ca.on_build, &cb.on_build),
        value_change("os", json!(a.os), json!(b.os)),
        value_change("architecture", json!(a.architecture), json!(b.architecture)),
        value_change("variant", json!(a.variant), json!(b.variant)),
        value_change("history", json!(ha[shared..]), json!(hb[shared..])),
    ]
    .into_iter()
    .flatten()
    .collect()
}
