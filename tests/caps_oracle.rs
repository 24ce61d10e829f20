//! Capability decoding against `capsh --decode`: the recorded oracle in
//! `../shared/fixtures/oracle/capsh_decode.tsv` (libcap 2.66) for all 64 single bits and notable
//! masks, and the live `capsh` binary (libcap2-bin, which the test set-up installs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use tarsier::core::caps::{parse_mask, CapSet, CAPABILITIES};

const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/oracle/capsh_decode.tsv");

fn oracle() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(ORACLE).expect("the capsh oracle fixture");
    let rows: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (hex, line) = l.split_once('\t').expect("HEX<TAB>capsh line");
            (hex.to_owned(), line.to_owned())
        })
        .collect();
    assert_eq!(rows.len(), 69, "64 single bits and 5 notable masks");
    rows
}

#[test]
fn every_oracle_mask_decodes_exactly_as_capsh() {
    for (hex, expected) in oracle() {
        let set = parse_mask(&hex).unwrap();
        assert_eq!(set.capsh_decode(), expected, "mask {hex}");
    }
}

#[test]
fn every_single_bit_is_covered_by_the_oracle() {
    let rows = oracle();
    for bit in 0u8..64 {
        let hex = CapSet(1u64 << bit).to_proc_hex();
        assert!(rows.iter().any(|(h, _)| *h == hex), "bit {bit} missing from oracle");
    }
}

#[test]
fn names_round_trip_through_the_oracle() {
    // The oracle's single-bit lines name bits 0..=40; the table must agree in both directions.
    for (hex, line) in oracle().iter().take(41) {
        let name = line.split_once('=').unwrap().1;
        let bit = u64::from_str_radix(hex, 16).unwrap().trailing_zeros() as u8;
        assert_eq!(CAPABILITIES[usize::from(bit)].name, name);
        assert_eq!(tarsier::core::caps::by_name(name).map(|c| c.bit), Some(bit));
    }
}

#[test]
fn cli_prints_capsh_lines() {
    let rows = oracle();
    let args: Vec<&str> = rows.iter().map(|(h, _)| h.as_str()).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).arg("caps").args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    let expected: Vec<&str> = rows.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(printed.lines().collect::<Vec<_>>(), expected);

    // The spellings users type all print the same capsh line.
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["caps", "0xa80425fb", "a80425fb"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().collect::<Vec<_>>(), vec![rows[64].1.as_str(), rows[64].1.as_str()]);
}

#[test]
fn cli_json_and_bad_input() {
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["caps", "--json", "0x3000"]).output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["hex"], "0000000000003000");
    assert_eq!(json[0]["caps"][0]["name"], "cap_net_admin");
    assert_eq!(json[0]["caps"][0]["dangerous"], true);
    assert_eq!(json[0]["beyond_docker_default"][0], "cap_net_admin");

    for bad in ["xyz", "12345678901234567", "0x", ""] {
        let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["caps", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("tarsier: ") && !err.contains("panicked"), "{bad:?}: {err}");
    }
}

/// libcap's capsh, asked directly about masks the recorded oracle does not hold.
#[test]
fn live_capsh_agrees_on_mixed_masks() {
    let capsh = ["/usr/sbin/capsh", "/sbin/capsh", "/usr/bin/capsh"].into_iter().find(|p| std::path::Path::new(p).exists());
    let capsh = capsh.expect("capsh is the oracle here: apt-get install libcap2-bin");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..40 {
        // xorshift: a spread of masks, including unknown high bits.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let hex = format!("{x:016x}");
        let out = Command::new(capsh).arg(format!("--decode={hex}")).output().unwrap();
        let expected = String::from_utf8(out.stdout).unwrap();
        assert_eq!(CapSet(x).capsh_decode(), expected.trim_end(), "mask {hex}");
    }
}
