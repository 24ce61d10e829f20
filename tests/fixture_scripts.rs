//! The fixture scripts of issues 14–16 (`scripts/fixtures/*.sh`) run and write what they promise.
//!
//! Each script builds its images with real tools (buildah, skopeo, umoci, openssl, go, cargo
//! auditable, pip, npm, rpm, detect-secrets…) into `target/tmp/fixtures/<name>` and records the
//! expected results beside them in `truth.json`; it caches its output by a hash of itself, so
//! only the first run (or a changed script) does the work. These tests check only that the
//! outputs exist and that the truth parses and holds what each script promises; the feature
//! tests that compare Tarsier with that truth come with the features. A script that cannot run
//! (not root, a tool missing, a registry unreachable) fails here with its own message, which
//! names what to install.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;
use common::build_fixture as build;

fn truth(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("truth.json"))
        .unwrap_or_else(|e| panic!("{}/truth.json: {e}", out.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}/truth.json: {e}", out.display()))
}

fn paths(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect()
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

#[test]
fn compare_pairs_fixture() {
    let out = build("compare_pairs");
    let t = truth(&out);
    let pairs: BTreeMap<&str, &Value> = arr(&t["pairs"])
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p))
        .collect();
    let want = [
        "same_size_content",
        "mode_only",
        "owner_only",
        "symlink_retarget",
        "added_tree",
        "deleted_file",
        "touched_unchanged",
        "replaced_dir",
        "caps_only",
        "hardlink_retarget",
        "format_docker_vs_oci_gzip",
        "format_oci_plain_vs_gzip",
        "multi_image",
    ];
    assert_eq!(
        pairs.keys().copied().collect::<BTreeSet<_>>(),
        want.into_iter().collect()
    );
    for (name, p) in &pairs {
        for side in ["a", "b"] {
            let archive = out.join(p[side]["archive"].as_str().unwrap());
            assert!(
                archive.is_file(),
                "{name}: {} is missing",
                archive.display()
            );
        }
        // every one-change case: A's two layers shared, one more layer on B's side
        if !name.starts_with("format_") {
            assert_eq!(p["layers"]["shared_prefix"], 2, "{name}");
            assert_eq!(arr(&p["layers"]["only_b"]).len(), 1, "{name}");
        }
    }
    let changed = |name: &str| -> BTreeMap<String, Vec<String>> {
        arr(&pairs[name]["changed"])
            .iter()
            .map(|c| {
                let what = arr(&c["what"])
                    .iter()
                    .map(|w| w.as_str().unwrap().to_string());
                (c["path"].as_str().unwrap().to_string(), what.collect())
            })
            .collect()
    };
    let one = |path: &str, what: &[&str]| -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([(
            path.to_string(),
            what.iter().map(|w| w.to_string()).collect(),
        )])
    };
    assert_eq!(
        changed("same_size_content"),
        one("app/data.txt", &["sha256"])
    );
    let same_size = &arr(&pairs["same_size_content"]["changed"])[0]["size"];
    assert_eq!(same_size["a"], same_size["b"]);
    assert_eq!(changed("mode_only"), one("app/run.sh", &["mode"]));
    assert_eq!(changed("owner_only"), one("app/owned.txt", &["uid", "gid"]));
    assert_eq!(changed("symlink_retarget"), one("app/current", &["link"]));
    assert_eq!(changed("caps_only"), one("usr/bin/tool", &["caps"]));
    assert_eq!(changed("hardlink_retarget").len(), 3);
    assert_eq!(changed("multi_image"), one("app/data.txt", &["sha256"]));
    assert_eq!(paths(&pairs["added_tree"]["added"]).len(), 8);
    assert_eq!(paths(&pairs["deleted_file"]["removed"]), ["app/old.log"]);
    assert!(changed("touched_unchanged").is_empty());
    assert!(paths(&pairs["touched_unchanged"]["touched"]).contains(&"app/touch.txt"));
    assert_eq!(
        paths(&pairs["replaced_dir"]["added"]),
        ["etc/conf.d/c.conf"]
    );
    assert_eq!(
        paths(&pairs["replaced_dir"]["removed"]),
        ["etc/conf.d/a.conf", "etc/conf.d/b.conf"]
    );
    let listing = std::fs::read_to_string(out.join("raw/layers/replaced_dir.tar-tv.txt")).unwrap();
    assert!(
        listing
            .lines()
            .any(|l| l.ends_with(" etc/conf.d/.wh..wh..opq")),
        "{listing}"
    );
    for name in ["format_docker_vs_oci_gzip", "format_oci_plain_vs_gzip"] {
        for list in ["added", "removed", "changed", "touched"] {
            assert!(
                arr(&pairs[name][list]).is_empty(),
                "{name}: {list} is not empty"
            );
        }
        assert!(arr(&pairs[name]["layers"]["only_a"]).is_empty(), "{name}");
    }
}

#[test]
fn sbom_image_fixture() {
    let out = build("sbom_image");
    assert!(out.join("sbom.docker.tar").is_file());
    let t = truth(&out);
    assert_eq!(arr(&t["layers"]).len(), 9);
    let counts: BTreeMap<&str, u64> = t["present_counts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_u64().unwrap()))
        .collect();
    let want = [
        ("cargo", 3),
        ("golang", 2),
        ("maven", 1),
        ("npm", 4),
        ("pypi", 3),
        ("rpm", 2),
    ];
    assert_eq!(counts, want.into_iter().collect());
    let packages = arr(&t["packages"]);
    let find = |eco: &str, name: &str| -> Vec<&Value> {
        packages
            .iter()
            .filter(|p| p["ecosystem"] == eco && p["name"] == name)
            .collect()
    };
    assert_eq!(find("pypi", "idna")[0]["removed_in"], 7);
    assert_eq!(find("npm", "inherits")[0]["removed_in"], 7);
    assert_eq!(find("pypi", "six")[0]["changed_in"][0]["layer"], 8);
    assert_eq!(find("pypi", "six")[0]["version"], "1.17.0");
    assert_eq!(
        find("npm", "ms").len(),
        2,
        "ms at the top and nested under debug"
    );
    let go = find("golang", "example.com/tarsier/gofixture");
    assert_eq!(arr(&go[0]["deps"]).len(), 2);
    assert!(arr(&go[0]["deps"])
        .iter()
        .all(|d| d["sum"].as_str().unwrap().starts_with("h1:")));
    assert!(
        std::fs::read_to_string(out.join("raw/state8/go-version-m.txt"))
            .unwrap()
            .contains("usr/bin/umoci: go")
    );
    assert_eq!(find("cargo", "itoa")[0]["version"], "1.0.11");
    assert_eq!(
        find("maven", "org.apache.commons:commons-lang3")[0]["pom_properties"]["artifactId"],
        "commons-lang3"
    );
    assert_eq!(find("rpm", "tarsier-fixture-epoch")[0]["epoch"], 2);
    assert!(t["os_release"]["fields"]["ID"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    for p in packages {
        assert!(p["evidence"].as_str().is_some_and(|e| !e.is_empty()), "{p}");
        assert!(p["added_in"].is_u64(), "{p}");
    }
}

#[test]
fn secrets_image_fixture() {
    let out = build("secrets_image");
    assert!(out.join("secrets.docker.tar").is_file());
    let t = truth(&out);
    let c = &t["counts"];
    assert_eq!(
        (c["secrets"].as_u64(), c["hidden"].as_u64()),
        (Some(34), Some(5))
    );
    assert_eq!(
        (c["keys"].as_u64(), c["certificates"].as_u64()),
        (Some(17), Some(5))
    );
    assert_eq!(
        (c["setuid"].as_u64(), c["setgid"].as_u64()),
        (Some(3), Some(1))
    );
    let rules: BTreeSet<&str> = arr(&t["secrets"])
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "env_password",
        "aws_access_key_id",
        "aws_secret_access_key",
        "github_token",
        "gitlab_token",
        "slack_token",
        "npm_token",
        "pypi_token",
        "jwt",
        "high_entropy",
        "docker_auth",
        "kubeconfig_token",
        "git_credentials",
        "private_key_pem",
        "private_key_openssh",
    ] {
        assert!(rules.contains(rule), "no planted {rule}");
    }
    for s in arr(&t["secrets"]) {
        assert!(s["line"].as_u64().is_some_and(|l| l >= 1), "{s}");
    }
    let hidden: BTreeSet<&str> = arr(&t["secrets"])
        .iter()
        .filter(|s| !s["hidden_by"].is_null())
        .map(|s| s["hidden_how"].as_str().unwrap())
        .collect();
    assert_eq!(hidden, BTreeSet::from(["deleted", "overwritten"]));
    let keys = arr(&t["keys"]);
    assert_eq!(keys.iter().filter(|k| k["encrypted"] == true).count(), 3);
    assert!(keys.iter().any(|k| k["format"] == "der"));
    // a key and a certificate in files a later layer deletes
    assert_eq!(keys.iter().filter(|k| k["hidden_by"] == 4).count(), 1);
    assert_eq!(arr(&t["certificates"]).iter().filter(|c| c["hidden_by"] == 4).count(), 1);
    let certs = arr(&t["certificates"]);
    assert_eq!(
        certs
            .iter()
            .filter(|k| k["expired_at_build"] == true)
            .count(),
        1
    );
    assert_eq!(
        certs
            .iter()
            .filter(|k| k["verified_by"].is_string())
            .count(),
        3
    );
    let algorithms: BTreeSet<&str> = arr(&t["accounts"]["shadow"])
        .iter()
        .filter_map(|s| s["algorithm"].as_str())
        .collect();
    let want = [
        "bcrypt",
        "md5crypt",
        "sha256crypt",
        "sha512crypt",
        "yescrypt",
    ];
    assert_eq!(algorithms, want.into_iter().collect());
    assert_eq!(t["accounts"]["empty_password"][0], "root");
    assert_eq!(t["accounts"]["uid0_besides_root"][0], "toor");
    let caps = arr(&t["file_capabilities"]);
    assert_eq!(
        (caps.len(), &caps[0]["interpreter"]),
        (1, &Value::Bool(true))
    );
    let classes: BTreeSet<&str> = arr(&t["setid"])
        .iter()
        .map(|s| s["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes, BTreeSet::from(["ordinary", "shell"]));
    assert!(!arr(&t["detect_secrets"]["findings"]).is_empty());
    for layer in 0..arr(&t["layers"]).len() {
        assert!(out
            .join(format!("raw/detect-secrets/layer{layer}.json"))
            .is_file());
    }
}
