//! Secret rules over one line of text: the common token and key formats (each checked by its
//! documented shape: prefix, alphabet, length), credentials in `.git/config` URLs, Docker
//! `auths`, kubeconfig tokens, `password=`-style assignments, and a Shannon-entropy check for
//! quoted base64 strings (detect-secrets' `Base64HighEntropyString`, limit 4.5 bits per
//! character). A specific rule that matches a value wins over the generic ones on that value.

/// One match: the rule and the byte range of the secret in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
}

/// Every rule's name, for the allow-list and the docs.
pub const RULES: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "github_token",
    "gitlab_token",
    "slack_token",
    "npm_token",
    "pypi_token",
    "jwt",
    "private_key_pem",
    "private_key_openssh",
    "git_credentials",
    "docker_auth",
    "kubeconfig_token",
    "env_password",
    "high_entropy",
];

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_')
}

/// The run of bytes satisfying `ok` from `start`.
fn run(b: &[u8], start: usize, ok: fn(u8) -> bool) -> usize {
    b[start..].iter().take_while(|&&c| ok(c)).count()
}

/// Each place `needle` starts in `line` on a token boundary (not inside a longer word).
fn starts<'a>(line: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    line.match_indices(needle).map(|(i, _)| i).filter(move |&i| i == 0 || !line.as_bytes()[i - 1].is_ascii_alphanumeric())
}

/// A fixed-prefix token format: rule, prefix, alphabet, minimum and maximum length after the
/// prefix.
type Prefixed = (&'static str, &'static str, fn(u8) -> bool, usize, usize);

const PREFIXED: &[Prefixed] = &[
    ("github_token", "ghp_", |c| c.is_ascii_alphanumeric(), 36, 255),
    ("github_token", "gho_", |c| c.is_ascii_alphanumeric(), 36, 255),
    ("github_token", "ghs_", |c| c.is_ascii_alphanumeric(), 36, 255),
    ("github_token", "ghu_", |c| c.is_ascii_alphanumeric(), 36, 255),
    ("github_token", "github_pat_", |c| c.is_ascii_alphanumeric() || c == b'_', 22, 255),
    ("gitlab_token", "glpat-", |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_', 20, 255),
    ("slack_token", "xoxb-", |c| c.is_ascii_alphanumeric() || c == b'-', 10, 255),
    ("slack_token", "xoxp-", |c| c.is_ascii_alphanumeric() || c == b'-', 10, 255),
    ("slack_token", "xoxa-", |c| c.is_ascii_alphanumeric() || c == b'-', 10, 255),
    ("npm_token", "npm_", |c| c.is_ascii_alphanumeric(), 36, 36),
    ("pypi_token", "pypi-AgEIcHlwaS5vcmc", |c| is_b64url(c), 50, 4096),
];

/// The specific rules (each a known format) on one line.
fn specific(line: &str, path: &str) -> Vec<Hit> {
    let b = line.as_bytes();
    let mut hits = Vec::new();
    for &(rule, prefix, ok, min, max) in PREFIXED {
        for i in starts(line, prefix) {
            let n = run(b, i + prefix.len(), ok);
            if (min..=max).contains(&n) {
                hits.push(Hit { rule, start: i, end: i + prefix.len() + n });
            }
        }
    }
    for p in ["AKIA", "ASIA"] {
        for i in starts(line, p) {
            let n = run(b, i + 4, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if n == 16 {
                hits.push(Hit { rule: "aws_access_key_id", start: i, end: i + 20 });
            }
        }
    }
    hits.extend(aws_secret(line));
    hits.extend(jwt(line));
    if let Some(h) = pem_begin(line) {
        hits.push(h);
    }
    hits.extend(git_credentials(line));
    hits.extend(docker_auth(line, path));
    hits.extend(kubeconfig_token(line, path));
    hits
}

/// `aws_secret_access_key = <40 base64 characters>` (any case, `=` or `:`).
fn aws_secret(line: &str) -> Option<Hit> {
    let lower = line.to_ascii_lowercase();
    let key = lower.find("aws_secret_access_key")?;
    let (start, value) = assigned_value(line, key + "aws_secret_access_key".len())?;
    (value.len() == 40 && value.bytes().all(is_b64)).then(|| Hit { rule: "aws_secret_access_key", start, end: start + 40 })
}

/// After a key ending at `from`: optional quotes and spaces, `=` or `:`, the value (up to a
/// space, quote, comma or `;`). Its start and text.
fn assigned_value(line: &str, from: usize) -> Option<(usize, &str)> {
    let b = line.as_bytes();
    let mut i = from;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'"' | b'\'') {
        i += 1;
    }
    if i >= b.len() || !matches!(b[i], b'=' | b':') {
        return None;
    }
    i += 1;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'"' | b'\'') {
        i += 1;
    }
    let n = b[i..].iter().take_while(|&&c| !matches!(c, b' ' | b'\t' | b'"' | b'\'' | b',' | b';')).count();
    (n > 0).then(|| (i, &line[i..i + n]))
}

/// A JSON Web Token: three base64url parts, the first two JSON objects (`eyJ`).
fn jwt(line: &str) -> Vec<Hit> {
    let b = line.as_bytes();
    starts(line, "eyJ")
        .filter_map(|i| {
            let p1 = run(b, i, is_b64url);
            let j = i + p1;
            if b.get(j) != Some(&b'.') || !line[j + 1..].starts_with("eyJ") {
                return None;
            }
            let p2 = run(b, j + 1, is_b64url);
            let k = j + 1 + p2;
            if b.get(k) != Some(&b'.') {
                return None;
            }
            let p3 = run(b, k + 1, is_b64url);
            (p1 >= 10 && p2 >= 10 && p3 >= 16).then(|| Hit { rule: "jwt", start: i, end: k + 1 + p3 })
        })
        .collect()
}

/// The BEGIN line of a private key block (the finding is the block).
fn pem_begin(line: &str) -> Option<Hit> {
    let t = line.trim();
    let label = t.strip_prefix("-----BEGIN ")?.strip_suffix("-----")?;
    let rule = match label {
        "OPENSSH PRIVATE KEY" => "private_key_openssh",
        l if l.ends_with("PRIVATE KEY") => "private_key_pem",
        _ => return None,
    };
    let start = line.find("-----BEGIN")?;
    Some(Hit { rule, start, end: start + t.len() })
}

/// `scheme://user:password@host` (in `.git/config`, or anywhere): the password.
fn git_credentials(line: &str) -> Option<Hit> {
    let scheme = line.find("://")?;
    let rest = &line[scheme + 3..];
    let at = rest.find('@')?;
    let userinfo = &rest[..at];
    if userinfo.contains('/') || userinfo.contains(' ') {
        return None;
    }
    let (_, password) = userinfo.split_once(':')?;
    if password.is_empty() {
        return None;
    }
    let start = scheme + 3 + userinfo.len() - password.len();
    Some(Hit { rule: "git_credentials", start, end: start + password.len() })
}

/// `"auth": "<base64 of user:password>"` in a Docker `config.json`.
fn docker_auth(line: &str, path: &str) -> Option<Hit> {
    if !path.ends_with("config.json") {
        return None;
    }
    let key = line.find("\"auth\"")?;
    let (start, value) = assigned_value(line, key + 6)?;
    (value.len() >= 8 && value.bytes().all(is_b64)).then(|| Hit { rule: "docker_auth", start, end: start + value.len() })
}

/// `token: …` in a kubeconfig (`.kube/config`, `kubeconfig*`).
fn kubeconfig_token(line: &str, path: &str) -> Option<Hit> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if !(path.ends_with(".kube/config") || name.starts_with("kubeconfig")) {
        return None;
    }
    let t = line.trim_start();
    let rest = t.strip_prefix("token:")?;
    let value = rest.trim().trim_matches('"');
    let start = line.len() - t.len() + "token:".len() + (rest.len() - rest.trim_start().len()) + usize::from(rest.trim_start().starts_with('"'));
    (value.len() >= 8).then(|| Hit { rule: "kubeconfig_token", start, end: start + value.len() })
}

/// Keys whose value is a password: `password`, `passwd`, `pwd`, `secret`, and any key ending in
/// `_PASSWORD` / `_SECRET` (`DB_PASSWORD=…`, `password: …`).
fn password_assignment(line: &str) -> Option<Hit> {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with("//") {
        return None;
    }
    let key_len = t.bytes().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')).count();
    let key = t[..key_len].to_ascii_lowercase();
    let is_password = matches!(key.as_str(), "password" | "passwd" | "pwd" | "secret" | "pass")
        || ["_password", "_passwd", "_secret", "-password", ".password"].iter().any(|s| key.ends_with(s));
    if !is_password {
        return None;
    }
    let offset = line.len() - t.len();
    let (start, value) = assigned_value(line, offset + key_len)?;
    // `${VAR}`, `<password>`, `null`: a template, not a password.
    let placeholder = value.starts_with("${") || value.starts_with('<') || value.eq_ignore_ascii_case("null");
    (value.len() >= 6 && !placeholder).then(|| Hit { rule: "env_password", start, end: start + value.len() })
}

/// Quoted strings of at least 20 base64 characters whose entropy exceeds 4.5 bits per character.
fn high_entropy(line: &str) -> Vec<Hit> {
    let b = line.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b'"' | b'\'') {
            let q = b[i];
            let n = run(b, i + 1, is_b64);
            if n >= 20 && b.get(i + 1 + n) == Some(&q) && entropy(&b[i + 1..i + 1 + n]) > 4.5 {
                hits.push(Hit { rule: "high_entropy", start: i + 1, end: i + 1 + n });
            }
            i += n + 1;
        } else {
            i += 1;
        }
    }
    hits
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in s {
        counts[c as usize] += 1;
    }
    let n = s.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = f64::from(c) / n;
        -p * p.log2()
    }).sum()
}

/// Every secret on one line of the file at `path`: the specific rules, then the generic ones on
/// what no specific rule already covers.
pub fn scan_line(line: &str, path: &str) -> Vec<Hit> {
    let mut hits = specific(line, path);
    let overlaps = |h: &Hit, hits: &[Hit]| hits.iter().any(|x| x.start < h.end && h.start < x.end);
    for h in password_assignment(line).into_iter().chain(high_entropy(line)) {
        if !overlaps(&h, &hits) {
            hits.push(h);
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// The line with each secret cut to its first characters (four at most, a quarter at most) and
/// its length:
/// `password=Fixt…(19 chars)`. Never the whole secret.
pub fn redact(line: &str, hits: &[Hit]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for h in hits {
        if h.start < at || h.end > line.len() || !line.is_char_boundary(h.start) || !line.is_char_boundary(h.end) {
            continue;
        }
        out.push_str(&line[at..h.start]);
        let secret = &line[h.start..h.end];
        let keep: String = secret.chars().take(4.min(secret.chars().count() / 4)).collect();
        out.push_str(&format!("{keep}…({} chars)", secret.chars().count()));
        at = h.end;
    }
    out.push_str(&line[at..]);
    let shown: String = out.chars().take(200).collect();
    shown
}
