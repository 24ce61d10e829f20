//! `tarsier scan` (issue 16) against the fixture of `scripts/fixtures/secrets_image.sh`: the
//! values it planted (layer, path, line by `grep -n -F`, the layer that deleted or overwrote
//! them), the account files as crypt(5) and passwd(5) read them (every hash re-made by openssl
//! or mkpasswd), the setuid/setgid/capability files of `umoci unpack` — and Yelp's
//! detect-secrets run on every unpacked layer, every difference explained below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

fn fixture() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures/secrets_image");
        let run = Command::new("bash").arg(root.join("scripts/fixtures/secrets_image.sh")).arg(&out).output().unwrap();
        assert!(run.status.success(), "secrets_image.sh: {}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
        out
    })
}

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture().join("truth.json")).unwrap()).unwrap()
}

fn scan(extra: &[&str]) -> Value {
    let archive = fixture().join("secrets.docker.tar");
    let mut args = vec!["scan", "--json", archive.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

type Key = (String, String, u64, u64, Option<u64>);

fn key(v: &Value) -> Key {
    (v["rule"].as_str().unwrap().into(), v["path"].as_str().unwrap().into(), v["layer"].as_u64().unwrap(), v["line"].as_u64().unwrap(), v["hidden_by"].as_u64())
}

#[test]
fn every_planted_secret_is_found_where_it_was_planted_and_nothing_else() {
    let t = truth();
    let got = scan(&[]);
    let want: BTreeSet<Key> = t["secrets"].as_array().unwrap().iter().map(key).collect();
    let have: BTreeSet<Key> = got["secrets"].as_array().unwrap().iter().map(key).collect();
    assert_eq!(have.difference(&want).collect::<Vec<_>>(), Vec::<&Key>::new(), "found, not planted");
    assert_eq!(want.difference(&have).collect::<Vec<_>>(), Vec::<&Key>::new(), "planted, not found");
    // No finding shows its secret: the snippet holds at most the first four characters.
    for (s, planted) in got["secrets"].as_array().unwrap().iter().zip(std::iter::repeat(t["secrets"].as_array().unwrap())) {
        let snippet = s["snippet"].as_str().unwrap();
        for p in planted {
            let value = p["value"].as_str().unwrap();
            if value.len() > 12 && !value.starts_with("-----BEGIN") {
                assert!(!snippet.contains(value), "{snippet} shows {value}");
            }
        }
    }
    // An allow-listed rule and path are not reported.
    let allowed = scan(&["--allow-rule", "high_entropy", "--allow-path", "root/"]);
    assert!(allowed["secrets"].as_array().unwrap().iter().all(|s| s["rule"] != "high_entropy" && !s["path"].as_str().unwrap().starts_with("root/")));
    assert_eq!(allowed["secrets"].as_array().unwrap().len(), want.iter().filter(|k| k.0 != "high_entropy" && !k.1.starts_with("root/")).count());
}

#[test]
fn detect_secrets_finds_the_same_lines_but_where_its_rules_differ() {
    let t = truth();
    let got = scan(&[]);
    let mine: BTreeSet<(u64, String, u64)> = got["secrets"].as_array().unwrap().iter().map(|s| (s["layer"].as_u64().unwrap(), s["path"].as_str().unwrap().into(), s["line"].as_u64().unwrap())).collect();
    let theirs: BTreeSet<(u64, String, u64)> = t["detect_secrets"]["findings"].as_array().unwrap().iter().map(|f| (f["layer"].as_u64().unwrap(), f["path"].as_str().unwrap().into(), f["line"].as_u64().unwrap())).collect();
    // Lines detect-secrets reports that Tarsier does not: none.
    assert_eq!(theirs.difference(&mine).collect::<Vec<_>>(), Vec::<&(u64, String, u64)>::new());
    // Lines Tarsier reports that detect-secrets does not: exactly the planted secrets the truth
    // records detect-secrets as missing (`detect_secrets_types` empty) —
    // - the EC key (`-----BEGIN EC PRIVATE KEY-----`): detect-secrets 1.5's PrivateKeyDetector
    //   does not list the EC label;
    // - the kubeconfig token: 40 hex characters under `token:`, not a keyword it knows, and under
    //   its hex entropy limit;
    // - `AWS_SECRET_ACCESS_KEY=…` and `DEPLOY_PASSWORD=…` in the deleted `credentials.env`:
    //   detect-secrets reports the first line of that file (the access key id) and not these,
    //   though the same shapes in other files are reported; whatever its reason, they are real
    //   planted secrets, so Tarsier reporting them is right.
    let explained: BTreeSet<(u64, String, u64)> = t["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["detect_secrets_types"].as_array().is_some_and(Vec::is_empty))
        .map(|s| (s["layer"].as_u64().unwrap(), s["path"].as_str().unwrap().to_owned(), s["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(explained.len(), 4, "{explained:?}");
    let extra: BTreeSet<_> = mine.difference(&theirs).cloned().collect();
    assert_eq!(extra, explained);
}

#[test]
fn accounts_setuid_and_capabilities_as_the_tools_saw_them() {
    let t = truth();
    let got = scan(&[]);
    let (ta, ga) = (&t["accounts"], &got["accounts"]);
    let shadow = |v: &Value| v.as_array().unwrap().iter().map(|e| (e["user"].clone(), e["algorithm"].clone(), e["empty"].clone(), e["locked"].clone())).collect::<Vec<_>>();
    assert_eq!(shadow(&ga["shadow"]), shadow(&ta["shadow"]));
    for k in ["uid0", "uid0_besides_root", "empty_password"] {
        assert_eq!(ga[k], ta[k], "{k}");
    }
    let svc = |v: &Value| v.as_array().unwrap().iter().map(|e| (e["user"].clone(), e["uid"].clone(), e["shell"].clone())).collect::<Vec<_>>();
    assert_eq!(svc(&ga["service_accounts_with_login_shell"]), svc(&ta["service_accounts_with_login_shell"]));
    let setid = |v: &Value| v.as_array().unwrap().iter().map(|e| (e["path"].to_string(), e["kind"].to_string(), e["class"].to_string())).collect::<BTreeSet<_>>();
    assert_eq!(setid(&got["setid"]), setid(&t["setid"]));
    let caps = |v: &Value| v.as_array().unwrap().iter().map(|e| (e["path"].to_string(), e["caps"].to_string(), e["interpreter"].to_string())).collect::<BTreeSet<_>>();
    assert_eq!(caps(&got["file_capabilities"]), caps(&t["file_capabilities"]));
}

#[test]
fn files_over_the_limit_are_skipped_and_counted() {
    let all = scan(&[]);
    let small = scan(&["--max-file-size", "100"]);
    assert!(small["files_skipped"].as_u64().unwrap() > all["files_skipped"].as_u64().unwrap());
    assert_eq!(small["files_scanned"].as_u64().unwrap() + small["files_skipped"].as_u64().unwrap(), all["files_scanned"].as_u64().unwrap() + all["files_skipped"].as_u64().unwrap());
    assert!(small["secrets"].as_array().unwrap().len() < all["secrets"].as_array().unwrap().len());
}

/// Each rule on a line of its own, and a near miss that must not match (wrong length, wrong
/// alphabet, not on a word boundary, a placeholder, low entropy).
#[test]
fn each_rule_and_its_near_miss() {
    use tarsier::core::scan::{entropy, redact, scan_line, RULES};
    let rules = |line: &str, path: &str| scan_line(line, path).into_iter().map(|h| h.rule).collect::<Vec<_>>();
    let cases: &[(&str, &str, &[&str])] = &[
        ("key = AKIAABCDEFGHIJKLMNOP", "x", &["aws_access_key_id"]),
        ("key = AKIAABCDEFGHIJKLMNO", "x", &[]),
        ("key = xAKIAABCDEFGHIJKLMNOP", "x", &[]),
        ("aws_secret_access_key: abcdefghijABCDEFGHIJ0123456789+/abcdefgh", "x", &["aws_secret_access_key"]),
        ("aws_secret_access_key: abcdefghij", "x", &[]),
        (&format!("t={}{}", "gh", "p_0123456789abcdefghijABCDEFGHIJ012345"), "x", &["github_token"]),
        (&format!("t={}{}", "gh", "p_0123456789"), "x", &[]),
        ("glpat-0123456789abcdefghij", "x", &["gitlab_token"]),
        ("xoxb-0123456789-abcdef", "x", &["slack_token"]),
        // Each format's alphabet (GitHub's fine-grained `github_pat_…_…`, Slack's `xoxp-`/`xoxa-`
        // with dashes): a token runs to the first character outside it, and under the minimum
        // length before that is no token.
        (&format!("t={}{}", "github", "_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"), "x", &["github_token"]),
        (&format!("t={}{}", "github", "_pat_11ABCDEFG01 3456789abcdefghijklmnopqrstuvwxyz"), "x", &[]),
        ("xoxp-0123456789-abcdef", "x", &["slack_token"]),
        ("xoxp-01234 56789abcdef", "x", &[]),
        ("xoxa-0123456789-abcdef", "x", &["slack_token"]),
        ("xoxa-01234 56789abcdef", "x", &[]),
        ("npm_0123456789abcdefghijABCDEFGHIJ012345", "x", &["npm_token"]),
        ("npm_0123456789abcdefghijABCDEFGHIJ0123456", "x", &[]),
        ("eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4fwpM", "x", &["jwt"]),
        ("eyJhbGciOiJIUzI1.notjson.SflKxwRJSMeKKF2QT4fwpM", "x", &[]),
        // The three parts' least lengths (10, 10, 16): each one shorter is no token.
        ("eyJhbGciOi.eyJzdWIiOi.SflKxwRJSMeKKF2Q", "x", &["jwt"]),
        ("eyJhbGciO.eyJzdWIiOi.SflKxwRJSMeKKF2Q", "x", &[]),
        ("eyJhbGciOi.eyJzdWIiO.SflKxwRJSMeKKF2Q", "x", &[]),
        ("eyJhbGciOi.eyJzdWIiOi.SflKxwRJSMeKKF2", "x", &[]),
        ("-----BEGIN RSA PRIVATE KEY-----", "x", &["private_key_pem"]),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "x", &["private_key_openssh"]),
        ("-----BEGIN PUBLIC KEY-----", "x", &[]),
        ("url = https://u:s3cr3t@example.invalid/x", "x", &["git_credentials"]),
        ("url = https://u@example.invalid/x", "x", &[]),
        ("\"auth\": \"dXNlcjpwYXNzd29yZA==\"", "root/.docker/config.json", &["docker_auth"]),
        ("\"auth\": \"dXNlcjpwYXNzd29yZA==\"", "app/auth.json", &[]),
        ("    token: 0123456789abcdef", "home/u/.kube/config", &["kubeconfig_token"]),
        ("    token: 0123456789abcdef", "app/config", &[]),
        ("DB_PASSWORD=hunter2hunter2", "x", &["env_password"]),
        ("password: ${DB_PASSWORD}", "x", &[]),
        ("# password=commented-out", "x", &[]),
        ("password=short", "x", &[]),
        ("x = \"Qm9keSBvZiBhIGxldHRlcjogaGVsbG8gd29ybGQgYWdhaW4=\"", "x", &["high_entropy"]),
        ("x = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "x", &[]),
        // An empty string, and a short one, before the secret on the same line.
        ("e = \"\", s = 'ab', x = \"Qm9keSBvZiBhIGxldHRlcjogaGVsbG8gd29ybGQgYWdhaW4=\"", "x", &["high_entropy"]),
    ];
    for (line, path, want) in cases {
        assert_eq!(rules(line, path), *want, "{line:?} in {path}");
        for r in *want {
            assert!(RULES.contains(r));
        }
    }
    // Each hit spans exactly the secret (the page and `--json` show and redact that span).
    for (line, secret) in [
        ("e = \"\", x = \"Qm9keSBvZiBhIGxldHRlcjogaGVsbG8gd29ybGQgYWdhaW4=\"", "Qm9keSBvZiBhIGxldHRlcjogaGVsbG8gd29ybGQgYWdhaW4="),
        ("t: eyJhbGciOi.eyJzdWIiOi.SflKxwRJSMeKKF2Q end", "eyJhbGciOi.eyJzdWIiOi.SflKxwRJSMeKKF2Q"),
    ] {
        let hits = scan_line(line, "x");
        let start = line.find(secret).unwrap();
        assert_eq!(hits.iter().map(|h| (h.start, h.end)).collect::<Vec<_>>(), [(start, start + secret.len())], "{line}");
    }
    assert!((entropy(b"abcd") - 2.0).abs() < 1e-9 && entropy(b"aaaa") == 0.0);
    let line = "password=hunter2hunter2";
    // At most four characters, and never more than a quarter of the secret.
    assert_eq!(redact(line, &scan_line(line, "x")), "password=hun…(14 chars)");
    // A span that does not fall on characters (either end inside `é`) is left out, not a
    // panic: the rest of the line is still redacted.
    use tarsier::core::scan::Hit;
    let line = format!("clé t={}{}", "gh", "p_0123456789abcdefghijABCDEFGHIJ012345");
    let e = line.find('é').unwrap();
    let good = scan_line(&line, "x");
    assert_eq!((good.len(), redact(&line, &good)), (1, "clé t=ghp_…(40 chars)".to_owned()), "{good:?}");
    for (start, end) in [(e + 1, e + 8), (0, e + 1), (e + 1, e + 2)] {
        let mut hits = vec![Hit { rule: "x", start, end }];
        hits.extend(scan_line(&line, "x"));
        assert_eq!(redact(&line, &hits), "clé t=ghp_…(40 chars)", "{start}..{end}");
    }
}

/// An image made step by step with the image builder (each step a layer and a history line),
/// then linted: each rule on the step that breaks it, and nothing on the clean steps.
#[test]
fn the_history_lint_names_each_step_that_breaks_a_rule() {
    use std::io::Cursor;
    use tarsier::core::build::{build, read_base, write_parts, BuildSpec, Change, ConfigSpec};
    use tarsier::core::image::{analyze, Flow, Options};
    use tarsier::core::scan::lint;
    let analyzed = |bytes: &[u8]| analyze(Cursor::new(bytes.to_vec()), bytes.len() as u64, &Options::named("x.tar"), &mut |_| Flow::Continue).unwrap();
    let file = |p: &str| Change::File { path: p.into(), body: b"x\n".to_vec(), mode: 0o644, uid: 0, gid: 0 };
    let steps: Vec<(&str, Vec<Change>)> = vec![
        ("/bin/sh -c #(nop) ADD https://example.invalid/tool.tar.gz /opt/", vec![file("opt/tool.tar.gz")]),
        ("/bin/sh -c apt-get update", vec![file("var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease")]),
        ("/bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*", vec![file("usr/bin/curl")]),
        ("/bin/sh -c curl -fsSL https://get.example.invalid | sh", vec![file("usr/local/bin/x")]),
        ("/bin/sh -c #(nop) ARG TOKEN=supersecretvalue123", vec![file("etc/y")]),
        ("/bin/sh -c #(nop) COPY file:abc in /app", vec![file("app/main")]),
    ];
    let mut bytes: Vec<u8> = Vec::new();
    for (i, (created_by, changes)) in steps.into_iter().enumerate() {
        let base = (i > 0).then(|| read_base(&analyzed(&bytes), &mut Cursor::new(&bytes), 0, &mut |_| true).unwrap());
        let config = ConfigSpec { cmd: Some(vec!["/bin/sh".into(), "-c".into(), "exec /app/main".into()]), ..ConfigSpec::default() };
        let spec = BuildSpec { changes, created_by: Some(created_by.into()), config, ..BuildSpec::default() };
        let built = build(&spec, base.as_ref(), None).unwrap();
        let mut out = Vec::new();
        write_parts(&built.parts, Some(&mut Cursor::new(&bytes)), None, &mut out).unwrap();
        bytes = out;
    }
    let found: Vec<(String, Option<usize>)> = lint(&analyzed(&bytes), 0).unwrap().into_iter().map(|f| (f.rule, f.history)).collect();
    let want: Vec<(String, Option<usize>)> = [
        ("add_url", Some(0)),
        ("apt_update_alone", Some(1)),
        ("pipe_to_shell", Some(3)),
        ("secret_in_history", Some(4)),
        ("package_cache", Some(1)),
        ("no_healthcheck", None),
        ("shell_form", None),
        ("runs_as_root", None),
    ]
    .iter()
    .map(|(r, h)| ((*r).to_owned(), *h))
    .collect();
    assert_eq!(found, want);
}

/// Keys against `openssl pkey` and `ssh-keygen -l`, certificates against `openssl x509` and
/// `openssl verify` (the fixture's truth). An encrypted PKCS#8 key hides its type and size until
/// decrypted: Tarsier says it is encrypted and gives neither; the truth has them from the
/// passphrase the script knows.
#[test]
fn keys_and_certificates_as_openssl_and_ssh_keygen_read_them() {
    let t = truth();
    let got = scan(&[]);
    let mine: std::collections::BTreeMap<String, &Value> = got["keys"].as_array().unwrap().iter().map(|k| (k["path"].as_str().unwrap().to_owned(), k)).collect();
    assert_eq!(mine.len(), t["keys"].as_array().unwrap().len(), "{:?}", mine.keys());
    for k in t["keys"].as_array().unwrap() {
        let path = k["path"].as_str().unwrap();
        let m = mine.get(path).unwrap_or_else(|| panic!("key {path} not found"));
        assert_eq!((&m["layer"], &m["format"], &m["encrypted"], &m["hidden_by"]), (&k["layer"], &k["format"], &k["encrypted"], &k["hidden_by"]), "{path}");
        let hidden = k["format"] == "pem" && k["encrypted"] == true && k["pem_label"] == "-----BEGIN ENCRYPTED PRIVATE KEY-----";
        // A traditional PEM key encrypted with RFC 1421 headers names its type in its label
        // (`BEGIN RSA PRIVATE KEY`); its size is inside the encrypted body.
        let size_hidden = k["format"] == "pem" && k["encrypted"] == true && !hidden;
        if hidden {
            assert_eq!((&m["key_type"], &m["bits"]), (&Value::Null, &Value::Null), "{path}");
        } else if size_hidden {
            assert_eq!((&m["key_type"], &m["bits"]), (&k["type"], &Value::Null), "{path}");
            assert_eq!(k["pem_label"], "-----BEGIN RSA PRIVATE KEY-----");
        } else {
            let want_type = if k["type"] == "EC" && k["format"] == "openssh" { "ECDSA".into() } else { k["type"].clone() };
            assert_eq!((&m["key_type"], &m["bits"]), (&want_type, &k["bits"]), "{path}");
        }
        if let Some(fp) = k.get("fingerprint") {
            assert_eq!(&m["fingerprint"], fp, "{path}: ssh-keygen -l");
        }
    }
    // The text output: one line per key, its type and size as far as they can be read, and a
    // key in a file a later layer deletes says so.
    let archive = fixture().join("secrets.docker.tar");
    let text = String::from_utf8(Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["scan", archive.to_str().unwrap()]).output().unwrap().stdout).unwrap();
    for k in t["keys"].as_array().unwrap() {
        let path = k["path"].as_str().unwrap();
        let line = text.lines().find(|l| l.starts_with(&format!("  private key {path} ("))).unwrap_or_else(|| panic!("no line for {path}:\n{text}"));
        let encrypted = k["encrypted"] == true;
        let hidden = k["format"] == "pem" && encrypted && k["pem_label"] == "-----BEGIN ENCRYPTED PRIVATE KEY-----";
        let ty = if k["type"] == "EC" && k["format"] == "openssh" { "ECDSA" } else { k["type"].as_str().unwrap() };
        let what = if hidden {
            "type hidden by encryption".to_owned()
        } else if k["format"] == "pem" && encrypted {
            format!("{ty} (size hidden by encryption)")
        } else {
            format!("{ty} {} bits", k["bits"])
        };
        let mut want = format!("  private key {path} (layer {}, {}): {what}, {}", k["layer"], k["format"].as_str().unwrap(), if encrypted { "encrypted" } else { "NOT encrypted" });
        if let Some(n) = k["hidden_by"].as_u64() {
            want += &format!(" [hidden by layer {n}: not in the container, still in the image]");
        }
        assert_eq!(line, want);
    }
    for c in t["certificates"].as_array().unwrap().iter().filter(|c| c["hidden_by"].is_u64()) {
        let path = c["path"].as_str().unwrap();
        let line = text.lines().find(|l| l.starts_with(&format!("  certificate {path} ("))).unwrap_or_else(|| panic!("no line for {path}"));
        assert!(line.ends_with(&format!(" [hidden by layer {}: not in the container, still in the image]", c["hidden_by"])), "{line}");
    }
    let certs: std::collections::BTreeMap<String, &Value> = got["certificates"].as_array().unwrap().iter().map(|c| (c["path"].as_str().unwrap().to_owned(), c)).collect();
    assert_eq!(certs.len(), t["certificates"].as_array().unwrap().len());
    for c in t["certificates"].as_array().unwrap() {
        let path = c["path"].as_str().unwrap();
        let m = certs.get(path).unwrap_or_else(|| panic!("certificate {path} not found"));
        for k in ["layer", "format", "subject", "issuer", "serial", "not_before", "not_after", "public_key_algorithm", "public_key_bits", "is_ca", "self_signed", "verified_by", "hidden_by"] {
            assert_eq!(m[k], c[k], "{path}: {k}");
        }
        assert_eq!(m["expired"], c["expired_at_build"], "{path}: expired");
    }
}

/// The core's progress: every regular file of the image's layers counted once (read or skipped
/// over the limit), as `tar -tvv` of each layer lists them; the count never goes back; and a
/// `false` from the callback stops the scan with `Cancelled`.
#[test]
fn progress_counts_every_file_once_and_cancel_stops() {
    use tarsier::core::image::{analyze, Flow, ImageError, Options};
    use tarsier::core::scan::{scan as core_scan, ScanOptions};
    let archive = fixture().join("secrets.docker.tar");
    let len = std::fs::metadata(&archive).unwrap().len();
    let a = analyze(std::fs::File::open(&archive).unwrap(), len, &Options::default(), &mut |_| Flow::Continue).unwrap();
    // Regular files per `tar -tvv` of each layer (the fixture's raw listings): lines starting
    // `-`, except whiteouts (`.wh.NAME`: empty regular files to tar, deletions to an image).
    let listed: u64 = (0..truth()["layers"].as_array().unwrap().len())
        .map(|n| std::fs::read_to_string(fixture().join(format!("raw/layers/{n}.tar-tvv.txt"))).unwrap().lines().filter(|l| l.starts_with('-') && !l.contains("/.wh.")).count() as u64)
        .sum();
    let opts = ScanOptions { max_file_size: 100, ..ScanOptions::default() };
    let mut ticks = Vec::new();
    let r = core_scan(&a, &mut std::fs::File::open(&archive).unwrap(), 0, &opts, &mut |done, total| {
        ticks.push((done, total));
        true
    })
    .unwrap();
    assert_eq!(r.files_scanned + r.files_skipped, listed);
    assert!(r.files_skipped > 0 && r.files_scanned > 0);
    assert!(ticks.iter().all(|&(_, total)| total == listed));
    assert!(ticks.windows(2).all(|w| w[0].0 <= w[1].0), "progress went back: {ticks:?}");
    assert_eq!(ticks.last().map(|t| t.0), Some(listed));
    let mut calls = 0;
    let stopped = core_scan(&a, &mut std::fs::File::open(&archive).unwrap(), 0, &opts, &mut |_, _| {
        calls += 1;
        calls < 3
    });
    assert!(matches!(stopped, Err(ImageError::Cancelled)), "{stopped:?}");
}

/// The size limit is inclusive: a file of exactly the limit is read, one byte more is skipped
/// (sizes from `tar -tvv` of each layer, whiteouts left out).
#[test]
fn the_size_limit_reads_a_file_of_exactly_that_size() {
    use tarsier::core::image::{analyze, Flow, Options};
    use tarsier::core::scan::{scan as core_scan, ScanOptions};
    let archive = fixture().join("secrets.docker.tar");
    let len = std::fs::metadata(&archive).unwrap().len();
    let a = analyze(std::fs::File::open(&archive).unwrap(), len, &Options::default(), &mut |_| Flow::Continue).unwrap();
    let mut sizes: Vec<u64> = (0..truth()["layers"].as_array().unwrap().len())
        .flat_map(|n| std::fs::read_to_string(fixture().join(format!("raw/layers/{n}.tar-tvv.txt"))).unwrap().lines().map(str::to_owned).collect::<Vec<_>>())
        .filter(|l| l.starts_with('-') && !l.contains("/.wh."))
        .map(|l| l.split_whitespace().nth(2).unwrap().parse().unwrap())
        .collect();
    sizes.sort_unstable();
    let limit = sizes[sizes.len() / 2];
    let r = core_scan(&a, &mut std::fs::File::open(&archive).unwrap(), 0, &ScanOptions { max_file_size: limit, ..ScanOptions::default() }, &mut |_, _| true).unwrap();
    assert_eq!(r.files_scanned, sizes.iter().filter(|&&s| s <= limit).count() as u64, "limit {limit}, sizes {sizes:?}");
    assert_eq!(r.files_skipped, sizes.iter().filter(|&&s| s > limit).count() as u64);
    assert_eq!(r.max_file_size, limit);
}

/// The Findings table's rows (`findings` in the JSON, counted on the text output's first line):
/// each planted thing of the truth once, with the severity its kind has — a secret high (an
/// entropy guess medium), an unencrypted key high and an encrypted one medium, an expired
/// certificate low, root's empty password and a second uid 0 high, password hashes and a service
/// account's login shell low, shell-giving setuid/setgid and an interpreter's capabilities high,
/// the lint as it ranks itself — and nothing the header findings already say (ordinary setuid,
/// "runs as root").
#[test]
fn the_findings_rank_every_planted_kind_by_its_severity() {
    let t = truth();
    let got = scan(&[]);
    // (severity, what, path, layer, line, hidden by)
    type Row = (String, String, String, Option<u64>, Option<u64>, Option<u64>);
    let rows: Vec<Row> = got["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["severity"].as_str().unwrap().into(), f["what"].as_str().unwrap().into(), f["path"].as_str().unwrap().into(), f["layer"].as_u64(), f["line"].as_u64(), f["hidden_by"].as_u64()))
        .collect();
    let mut want = Vec::new();
    for s in t["secrets"].as_array().unwrap() {
        let rule = s["rule"].as_str().unwrap();
        let sev = if rule == "high_entropy" { "medium" } else { "high" };
        want.push((sev.to_owned(), format!("secret: {}", rule.replace('_', " ")), s["path"].as_str().unwrap().to_owned(), s["layer"].as_u64(), s["line"].as_u64(), s["hidden_by"].as_u64()));
    }
    for k in t["keys"].as_array().unwrap() {
        let (sev, what) = if k["encrypted"].as_bool().unwrap() { ("medium", "private key (encrypted)") } else { ("high", "private key") };
        let path = k["path"].as_str().unwrap();
        want.push((sev.into(), what.into(), path.into(), k["layer"].as_u64(), None, k["hidden_by"].as_u64()));
    }
    for c in t["certificates"].as_array().unwrap() {
        let (sev, what) = if c["expired_at_build"].as_bool().unwrap() { ("low", "expired certificate") } else { ("info", "certificate") };
        let path = c["path"].as_str().unwrap();
        want.push((sev.into(), what.into(), path.into(), c["layer"].as_u64(), None, c["hidden_by"].as_u64()));
    }
    let a = &t["accounts"];
    let account = |sev: &str, what: &str, path: &str| (sev.to_owned(), what.to_owned(), path.to_owned(), None, None, None);
    for u in a["empty_password"].as_array().unwrap() {
        want.push(account(if u == "root" { "high" } else { "medium" }, "empty password", "etc/shadow"));
    }
    for _ in a["uid0_besides_root"].as_array().unwrap() {
        want.push(account("high", "uid 0 besides root", "etc/passwd"));
    }
    for _ in a["shadow"].as_array().unwrap().iter().filter(|s| !s["algorithm"].is_null()) {
        want.push(account("low", "password hash", "etc/shadow"));
    }
    for _ in a["service_accounts_with_login_shell"].as_array().unwrap() {
        want.push(account("low", "service account with a login shell", "etc/passwd"));
    }
    let layer_of = |kind: &str, path: &str| got[kind].as_array().unwrap().iter().find(|k| k["path"] == path).and_then(|k| k["layer"].as_u64());
    for s in t["setid"].as_array().unwrap().iter().filter(|s| s["class"] == "shell") {
        let path = s["path"].as_str().unwrap();
        want.push(("high".into(), format!("{} shell", s["kind"].as_str().unwrap()), path.into(), layer_of("setid", path), None, None));
    }
    for c in t["file_capabilities"].as_array().unwrap().iter().filter(|c| c["interpreter"] == true) {
        let path = c["path"].as_str().unwrap();
        want.push(("high".into(), "capabilities on an interpreter".into(), path.into(), layer_of("file_capabilities", path), None, None));
    }
    for l in got["lint"].as_array().unwrap().iter().filter(|l| l["rule"] != "runs_as_root") {
        want.push((l["severity"].as_str().unwrap().into(), format!("history: {}", l["rule"].as_str().unwrap().replace('_', " ")), String::new(), l["layer"].as_u64(), None, None));
    }
    let (mut have_sorted, mut want_sorted) = (rows.clone(), want.clone());
    have_sorted.sort();
    want_sorted.sort();
    assert_eq!(have_sorted, want_sorted);
    // Ranked: high first, info last.
    let rank = |s: &str| ["high", "medium", "low", "info"].iter().position(|x| *x == s).unwrap();
    assert!(rows.windows(2).all(|w| rank(&w[0].0) <= rank(&w[1].0)), "not ranked by severity");
    // Every secret's detail is its cut snippet, never the planted value.
    for f in got["findings"].as_array().unwrap() {
        for s in t["secrets"].as_array().unwrap() {
            let value = s["value"].as_str().unwrap();
            assert!(value.starts_with("-----BEGIN") || !f["detail"].as_str().unwrap().contains(value), "a finding shows {value}");
        }
    }
    // The text output counts the same rows.
    let archive = fixture().join("secrets.docker.tar");
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["scan", archive.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let count = |sev: &str| want.iter().filter(|w| w.0 == sev).count();
    let first = format!("== Findings: {} high, {} medium, {} low, {} info", count("high"), count("medium"), count("low"), count("info"));
    assert!(text.starts_with(&first), "{first} is not the first line of:\n{text}");
}

/// A file that is no image: `tarsier scan` fails with the sentence and, with `--json`, the same
/// error code `tarsier inspect --json` gives for it (docs/report-schema.md), not a code of its own.
#[test]
fn a_file_that_is_no_image_fails_with_inspects_code() {
    let notes = fixture().join("truth.json");
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).arg(&notes).output().unwrap();
    let (scan, scan_json, inspect_json) = (run(&["scan"]), run(&["scan", "--json"]), run(&["inspect", "--json"]));
    assert!(!scan.status.success() && scan.stdout.is_empty());
    assert!(String::from_utf8_lossy(&scan.stderr).contains("not a container image archive"));
    let code = |o: &std::process::Output| serde_json::from_slice::<Value>(&o.stdout).unwrap()["error"]["code"].clone();
    assert!(!scan_json.status.success());
    assert_eq!(code(&scan_json), "not_an_archive");
    assert_eq!(code(&scan_json), code(&inspect_json));
}

/// Past `MAX_FINDINGS` secrets the report lists no more but counts them: a file with seven
/// more password lines than that (as `grep -c` counts them) gives the limit listed and seven
/// "more not listed".
#[test]
fn secrets_past_the_limit_are_counted_not_listed() {
    use tarsier::core::image::{analyze, Flow, Options};
    use tarsier::core::scan::{scan as core_scan, ScanOptions, MAX_FINDINGS};
    let text: String = (0..MAX_FINDINGS + 7).map(|i| format!("DB_PASSWORD=hunter2hunter2-{i:05}\n")).collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scan-limit");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("env"), &text).unwrap();
    let grep = Command::new("grep").args(["-c", "^DB_PASSWORD="]).arg(dir.join("env")).output().expect("GNU grep");
    let lines: u64 = String::from_utf8(grep.stdout).unwrap().trim().parse().unwrap();
    let image = common::image_with(&[common::simple_layer(&[(b"app/.env", text.as_bytes())])], &["l0.tar"]);
    let a = analyze(std::io::Cursor::new(&image), image.len() as u64, &Options::named("limit.tar"), &mut |_| Flow::Continue).unwrap();
    let r = core_scan(&a, &mut std::io::Cursor::new(&image), 0, &ScanOptions::default(), &mut |_, _| true).unwrap();
    let found = r.secrets.iter().filter(|f| f.rule == "env_password").count() as u64;
    assert_eq!(found as usize, MAX_FINDINGS.min(r.secrets.len()));
    assert_eq!(r.secrets.len(), MAX_FINDINGS);
    assert_eq!(found + r.secrets_not_listed, lines);
    assert_eq!(r.secrets_not_listed, 7);
}

/// Each crypt(5) scheme Tarsier names, as the system's libcrypt makes its hashes (through Perl's
/// `crypt`): descrypt's salts drawn from the whole `./0-9A-Za-z` alphabet (so `.` and `/` are
/// in the hash), and a 13-character string with a character outside it is not descrypt.
#[test]
fn crypt_hashes_are_named_as_libcrypt_makes_them() {
    let cases = [("a.", "descrypt"), ("./", "descrypt"), ("/z", "descrypt"), ("$1$salt$", "md5crypt"), ("$5$saltsalt$", "sha256crypt"), ("$6$saltsalt$", "sha512crypt"), ("$y$j9T$saltsaltsaltsalt$", "yescrypt"), ("$2b$05$abcdefghijklmnopqrstuu", "bcrypt")];
    for (salt, name) in cases {
        let out = Command::new("perl").args(["-e", "print crypt('password', $ARGV[0])", salt]).output().expect("perl (Debian's perl-base) runs libcrypt's crypt");
        let hash = String::from_utf8(out.stdout).unwrap();
        assert!(hash.len() >= 13 && hash.starts_with(&salt[..2]), "perl crypt with salt {salt}: {hash:?}");
        assert_eq!(tarsier::core::scan::algorithm(&hash), Some(name), "{hash}");
    }
    let des = Command::new("perl").args(["-e", "print crypt('password', 'a.')"]).output().unwrap().stdout;
    assert!(des.contains(&b'.'));
    for bad in [b'-', b'$', b'!'] {
        let mut h = des.clone();
        h[5] = bad;
        assert_eq!(tarsier::core::scan::algorithm(std::str::from_utf8(&h).unwrap()), None, "{}", String::from_utf8_lossy(&h));
    }
}

/// passwd(5) lines are seven fields: a commented-out line (`#toor:…`) is not an account, and a
/// short or cut line is skipped, not a panic; the lines around them are still read.
#[test]
fn commented_and_short_passwd_lines_are_not_accounts() {
    let passwd = "root:x:0:0:root:/root:/bin/bash\n#toor:x:0:0::/root:/bin/sh\nbroken:x\ncut:x:0:0:\ndaemon:x:1:1::/:/bin/sh\n";
    let a = tarsier::core::scan::read_accounts(Some(passwd), None);
    assert_eq!(a.uid0, ["root"]);
    assert!(a.uid0_besides_root.is_empty(), "{:?}", a.uid0_besides_root);
    assert_eq!(a.service_accounts_with_login_shell.iter().map(|s| (s.user.as_str(), s.uid)).collect::<Vec<_>>(), [("daemon", 1)]);
}

/// Self-signed is the certificate's own issuer: its subject is its issuer and its authority key
/// id, when it has one, is its own key id. Made here by openssl: `req -x509` (authority key id =
/// subject key id; `openssl verify` with itself as the only CA: OK), and a certificate of the
/// same name that the first one signs (another key id; that verify fails).
#[test]
fn self_signed_is_judged_by_name_and_key_id_as_openssl_verify_does() {
    let dir = std::env::temp_dir().join(format!("tarsier-selfsigned-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").current_dir(&dir).args(args).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    openssl(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=same", "-days", "30"]);
    openssl(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=same"]);
    std::fs::write(dir.join("ext"), "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n").unwrap();
    openssl(&["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-out", "leaf.pem", "-days", "30", "-extfile", "ext"]);
    let verify = |name: &str| Command::new("openssl").current_dir(&dir).args(["verify", "-CAfile", name, name]).output().unwrap().status.success();
    assert_eq!((verify("ca.pem"), verify("leaf.pem")), (true, false));
    let (ca, leaf) = (std::fs::read(dir.join("ca.pem")).unwrap(), std::fs::read(dir.join("leaf.pem")).unwrap());
    let archive = dir.join("certs.tar");
    std::fs::write(&archive, common::image_with(&[common::simple_layer(&[(b"etc/ca.pem", &ca), (b"etc/leaf.pem", &leaf)])], &["l0.tar"])).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["scan", "--json", archive.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let self_signed: BTreeSet<(String, bool)> = got["certificates"].as_array().unwrap().iter().map(|c| (c["path"].as_str().unwrap().to_owned(), c["self_signed"].as_bool().unwrap())).collect();
    assert_eq!(self_signed, BTreeSet::from([("etc/ca.pem".to_owned(), true), ("etc/leaf.pem".to_owned(), false)]));
    std::fs::remove_dir_all(&dir).unwrap();
}
