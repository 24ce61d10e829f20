//! Tar and docker-save archives built in code, for the tests that need odd or hostile ones.
#![allow(dead_code, clippy::unwrap_used)]

/// A ustar header; `owner` sets the user and group names.
pub fn header_owned(name: &[u8], size: u64, typeflag: u8, mode: u32, link: &[u8], owner: &[u8]) -> [u8; 512] {
    let mut h = header(name, size, typeflag, mode, link);
    h[265..265 + owner.len().min(32)].copy_from_slice(&owner[..owner.len().min(32)]);
    h[297..297 + owner.len().min(32)].copy_from_slice(&owner[..owner.len().min(32)]);
    fix_checksum(&mut h);
    h
}

/// A PAX extended header record block for the next member.
pub fn pax(out: &mut Vec<u8>, records: &[(&str, &[u8])]) {
    let mut body = Vec::new();
    for (k, v) in records {
        let rest = k.len() + v.len() + 3; // ' ', '=', '\n'
        let mut len = rest + 1;
        while len.to_string().len() + rest != len {
            len = len.to_string().len() + rest;
        }
        body.extend_from_slice(format!("{len} {k}=").as_bytes());
        body.extend_from_slice(v);
        body.push(b'\n');
    }
    push(out, header(b"PaxHeaders/x", body.len() as u64, b'x', 0o644, b""), &body);
}

pub fn header(name: &[u8], size: u64, typeflag: u8, mode: u32, link: &[u8]) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    h[100..108].copy_from_slice(format!("{mode:07o}\0").as_bytes());
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = typeflag;
    h[157..157 + link.len().min(100)].copy_from_slice(&link[..link.len().min(100)]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    fix_checksum(&mut h);
    h
}

pub fn fix_checksum(h: &mut [u8; 512]) {
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

pub fn push(out: &mut Vec<u8>, h: [u8; 512], body: &[u8]) {
    out.extend_from_slice(&h);
    out.extend_from_slice(body);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

pub fn file(out: &mut Vec<u8>, name: &[u8], body: &[u8]) {
    push(out, header(name, body.len() as u64, b'0', 0o644, b""), body);
}

pub fn finish(mut out: Vec<u8>) -> Vec<u8> {
    out.extend_from_slice(&[0u8; 1024]);
    out
}

pub fn simple_layer(files: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut l = Vec::new();
    for (n, b) in files {
        file(&mut l, n, b);
    }
    finish(l)
}

/// A docker-archive with the given layers (each a member `lN.tar`) and manifest layer list.
pub fn image_with(layers: &[Vec<u8>], manifest_layers: &[&str]) -> Vec<u8> {
    let diff_ids: Vec<String> = (0..manifest_layers.len())
        .map(|i| format!("\"sha256:{i:064x}\""))
        .collect();
    let history: Vec<String> = (0..manifest_layers.len())
        .map(|i| format!("{{\"created_by\":\"step {i}\"}}"))
        .collect();
    let config = format!(
        "{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Env\":[\"DB_PASSWORD=hunter2\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}},\"history\":[{}]}}",
        diff_ids.join(","),
        history.join(",")
    );
    let manifest = format!(
        "[{{\"Config\":\"config.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[{}]}}]",
        manifest_layers
            .iter()
            .map(|l| format!("\"{l}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        file(&mut out, format!("l{i}.tar").as_bytes(), l);
    }
    file(&mut out, b"config.json", config.as_bytes());
    file(&mut out, b"manifest.json", manifest.as_bytes());
    finish(out)
}


/// Runs `scripts/fixtures/NAME.sh target/tmp/fixtures/NAME` (the script does nothing when its
/// output is already there for the same script); the output directory.
pub fn build_fixture(name: &str) -> std::path::PathBuf {
    use std::path::Path;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures").join(name);
    let script = root.join("scripts/fixtures").join(format!("{name}.sh"));
    let run = std::process::Command::new("bash")
        .arg(&script)
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash {} ({e})", script.display()));
    assert!(
        run.status.success(),
        "{} failed:\n{}{}",
        script.display(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.join(".fixture-stamp").is_file(), "{name}: no stamp after a successful run");
    out
}

/// The shared fixtures (`../shared/fixtures`).
pub fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}
