//! Private keys and X.509 certificates in file contents: PEM blocks (`-----BEGIN …-----`), DER
//! files, and OpenSSH keys (`openssh-key-v1`, PROTOCOL.key). Keys: type, size, encrypted or not
//! (an encrypted PKCS#8 key hides its type and size); certificates (by `x509-parser`): subject,
//! issuer, serial, validity, public key, CA, self-signed, expired, and which certificate of the
//! image issued it.

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{parse_x509_certificate, X509Certificate, X509Name};
use x509_parser::public_key::PublicKey;

/// A private key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub path: String,
    pub layer: usize,
    /// `pem`, `der` or `openssh`.
    pub format: String,
    /// `RSA`, `EC`, `ED25519`, `DSA`; `None` when encryption hides it.
    pub key_type: Option<String>,
    pub bits: Option<u32>,
    pub encrypted: bool,
    /// OpenSSH keys: `SHA256:…` as `ssh-keygen -l` prints it.
    pub fingerprint: Option<String>,
    /// The hidden-by layer, as for secrets.
    pub hidden_by: Option<usize>,
}

/// An X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    pub path: String,
    pub layer: usize,
    pub format: String,
    /// `O=…,CN=…`: the name's attributes in the certificate's order.
    pub subject: String,
    pub issuer: String,
    /// Upper-case hex, an even number of digits, as `openssl x509 -serial` prints it.
    pub serial: String,
    /// `YYYY-MM-DD HH:MM:SSZ`.
    pub not_before: String,
    pub not_after: String,
    pub not_after_unix: i64,
    /// `rsaEncryption`, `id-ecPublicKey`, …
    pub public_key_algorithm: String,
    pub public_key_bits: Option<u32>,
    pub is_ca: bool,
    pub self_signed: bool,
    /// Expired at the time of the scan.
    pub expired: bool,
    /// The path of the image's certificate that issued it (by name and key identifier).
    pub verified_by: Option<String>,
    pub hidden_by: Option<usize>,
    #[serde(skip)]
    pub(crate) ids: KeyIds,
}

/// Subject and authority key identifiers, to match issuers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyIds {
    subject: Option<Vec<u8>>,
    authority: Option<Vec<u8>>,
    raw_subject: Vec<u8>,
    raw_issuer: Vec<u8>,
}

/// Keys and certificates in one file's bytes.
pub(crate) fn find(path: &str, layer: usize, bytes: &[u8], now: i64) -> (Vec<KeyInfo>, Vec<CertInfo>) {
    let (mut keys, mut certs) = (Vec::new(), Vec::new());
    let key = |format: &str, kind: Option<&str>, bits: Option<u32>, encrypted: bool, fingerprint: Option<String>| KeyInfo {
        path: path.into(),
        layer,
        format: format.into(),
        key_type: kind.map(str::to_owned),
        bits,
        encrypted,
        fingerprint,
        hidden_by: None,
    };
    if let Ok(text) = std::str::from_utf8(bytes) {
        for (label, headers, der) in pem_blocks(text) {
            match label.as_str() {
                "CERTIFICATE" => certs.extend(cert(path, layer, "pem", &der, now)),
                "PRIVATE KEY" => keys.push(pkcs8(&der).map_or_else(|| key("pem", None, None, false, None), |(t, b)| key("pem", Some(t), b, false, None))),
                "ENCRYPTED PRIVATE KEY" => keys.push(key("pem", None, None, true, None)),
                "RSA PRIVATE KEY" => keys.push(key("pem", Some("RSA"), if headers { None } else { rsa_bits(&der) }, headers, None)),
                "EC PRIVATE KEY" => keys.push(key("pem", Some("EC"), if headers { None } else { sec1_bits(&der) }, headers, None)),
                "DSA PRIVATE KEY" => keys.push(key("pem", Some("DSA"), None, headers, None)),
                "OPENSSH PRIVATE KEY" => {
                    if let Some((t, b, enc, fp)) = openssh(&der) {
                        keys.push(key("openssh", Some(t), b, enc, Some(fp)));
                    }
                }
                _ => {}
            }
        }
    } else if bytes.first() == Some(&0x30) {
        if let Some(c) = cert(path, layer, "der", bytes, now) {
            certs.push(c);
        } else if let Some((t, b)) = pkcs8(bytes) {
            keys.push(key("der", Some(t), b, false, None));
        } else if let Some(b) = pkcs1_rsa(bytes) {
            keys.push(key("der", Some("RSA"), Some(b), false, None));
        }
    }
    (keys, certs)
}

/// PEM blocks: label, whether it has RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`), the DER.
fn pem_blocks(text: &str) -> Vec<(String, bool, Vec<u8>)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(label) = line.trim().strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) else { continue };
        let (mut b64, mut encrypted_header) = (String::new(), false);
        for l in lines.by_ref() {
            let l = l.trim();
            if l.starts_with("-----END ") {
                break;
            }
            if l.contains(':') {
                encrypted_header |= l.starts_with("Proc-Type:") && l.contains("ENCRYPTED");
                continue;
            }
            b64.push_str(l);
        }
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(b64.as_bytes()) {
            out.push((label.to_owned(), encrypted_header, der));
        }
    }
    out
}

/// One DER TLV: tag, contents, the rest.
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(n)?;
        (bytes.iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x)), rest)
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The bit length of a DER INTEGER's value (leading zeros dropped).
fn int_bits(v: &[u8]) -> Option<u32> {
    let v = &v[v.iter().position(|&x| x != 0)?..];
    u32::try_from(v.len()).ok()?.checked_mul(8)?.checked_sub(v[0].leading_zeros())
}

/// RSAPrivateKey (RFC 8017): version, modulus, …
fn rsa_bits(der: &[u8]) -> Option<u32> {
    let (_, seq, _) = tlv(der)?;
    let (_, _, rest) = tlv(seq)?;
    let (_, n, _) = tlv(rest)?;
    int_bits(n)
}

/// A DER RSAPrivateKey (PKCS#1): version 0, then a modulus of at least 512 bits, then the
/// public exponent — the shape `openssl rsa -outform DER` writes.
fn pkcs1_rsa(der: &[u8]) -> Option<u32> {
    let (0x30, seq, _) = tlv(der)? else { return None };
    let (0x02, version, rest) = tlv(seq)? else { return None };
    let (0x02, n, rest) = tlv(rest)? else { return None };
    let (0x02, _, _) = tlv(rest)? else { return None };
    let bits = int_bits(n)?;
    (version == [0] && bits >= 512).then_some(bits)
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];

/// The size of a named curve.
fn curve_bits(oid: &[u8]) -> Option<u32> {
    match oid {
        [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07] => Some(256), // prime256v1 (P-256)
        [0x2b, 0x81, 0x04, 0x00, 0x22] => Some(384),                   // secp384r1
        [0x2b, 0x81, 0x04, 0x00, 0x23] => Some(521),                   // secp521r1
        [0x2b, 0x81, 0x04, 0x00, 0x0a] => Some(256),                   // secp256k1
        _ => None,
    }
}

/// PKCS#8 PrivateKeyInfo (RFC 5208): type and size.
fn pkcs8(der: &[u8]) -> Option<(&'static str, Option<u32>)> {
    let (_, seq, _) = tlv(der)?;
    let (_, _, rest) = tlv(seq)?; // version
    let (_, alg, rest) = tlv(rest)?;
    let (_, key, _) = tlv(rest)?;
    let (_, oid, params) = tlv(alg)?;
    match oid {
        OID_RSA => Some(("RSA", rsa_bits(key))),
        OID_EC => Some(("EC", tlv(params).and_then(|(_, c, _)| curve_bits(c)))),
        OID_ED25519 => Some(("ED25519", Some(256))),
        // Dss-Parms (RFC 3279): SEQUENCE { p, q, g }; the key's size is p's
        OID_DSA => Some(("DSA", tlv(params).and_then(|(_, seq, _)| tlv(seq)).and_then(|(_, p, _)| int_bits(p)))),
        _ => None,
    }
}

/// SEC1 ECPrivateKey (RFC 5915): its curve's size.
fn sec1_bits(der: &[u8]) -> Option<u32> {
    let (_, seq, _) = tlv(der)?;
    let (_, _, rest) = tlv(seq)?; // version
    let (_, _, mut rest) = tlv(rest)?; // private key
    while let Some((tag, v, r)) = tlv(rest) {
        if tag == 0xa0 {
            return tlv(v).and_then(|(_, oid, _)| curve_bits(oid));
        }
        rest = r;
    }
    None
}

/// Big-endian fields of the OpenSSH key format.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn u32(&mut self) -> Option<u32> {
        let (n, rest) = self.0.split_at_checked(4)?;
        self.0 = rest;
        Some(u32::from_be_bytes(n.try_into().ok()?))
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        let (s, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(s)
    }
}

/// An OpenSSH private key (PROTOCOL.key): type, size, encrypted (cipher not `none`), and the
/// fingerprint of its public key as `ssh-keygen -l` prints it (sha256, base64 without padding).
fn openssh(b: &[u8]) -> Option<(&'static str, Option<u32>, bool, String)> {
    let mut r = SshReader(b.strip_prefix(b"openssh-key-v1\0")?);
    let cipher = r.string()?;
    r.string()?; // kdf name
    r.string()?; // kdf options
    r.u32()?; // number of keys (1)
    let public = r.string()?;
    let fingerprint = format!("SHA256:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(public)));
    let mut p = SshReader(public);
    let (kind, bits) = match p.string()? {
        b"ssh-ed25519" => ("ED25519", Some(256)),
        b"ssh-rsa" => {
            p.string()?; // e
            ("RSA", int_bits(p.string()?))
        }
        b"ecdsa-sha2-nistp256" => ("ECDSA", Some(256)),
        b"ecdsa-sha2-nistp384" => ("ECDSA", Some(384)),
        b"ecdsa-sha2-nistp521" => ("ECDSA", Some(521)),
        b"ssh-dss" => ("DSA", int_bits(p.string()?)), // p, q, g, y (RFC 4253 6.6)
        _ => return None,
    };
    Some((kind, bits, cipher != b"none", fingerprint))
}

/// A name in RFC 2253 form, as `openssl -nameopt RFC2253` prints it: the RDNs from the last to
/// the first, `,` between them, `+` inside a multi-valued one, attributes by short name.
fn name(n: &X509Name<'_>) -> String {
    let rdns: Vec<String> = n
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|a| {
                    let key = x509_parser::objects::oid2abbrev(a.attr_type(), x509_parser::objects::oid_registry()).map_or_else(|_| a.attr_type().to_id_string(), str::to_owned);
                    format!("{key}={}", a.as_str().unwrap_or("?"))
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn serial_hex(hex: &str) -> String {
    let hex = hex.to_ascii_uppercase();
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex
    }
}

/// `2024-05-01 12:00:00Z`: RFC 3339 with the space its note allows, easier to read in a table.
fn time_text(t: i64) -> String {
    crate::core::time::rfc3339_utc(t).replacen('T', " ", 1)
}

fn key_ids(c: &X509Certificate<'_>) -> KeyIds {
    let mut ids = KeyIds { raw_subject: c.subject().as_raw().to_vec(), raw_issuer: c.issuer().as_raw().to_vec(), ..KeyIds::default() };
    for e in c.extensions() {
        match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => ids.subject = Some(k.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => ids.authority = a.key_identifier.as_ref().map(|k| k.0.to_vec()),
            _ => {}
        }
    }
    ids
}

fn cert(path: &str, layer: usize, format: &str, der: &[u8], now: i64) -> Option<CertInfo> {
    let (_, c) = parse_x509_certificate(der).ok()?;
    let pk = c.public_key();
    let algorithm = x509_parser::objects::oid2sn(&pk.algorithm.algorithm, x509_parser::objects::oid_registry()).map_or_else(|_| pk.algorithm.algorithm.to_id_string(), str::to_owned);
    let bits = match pk.parsed() {
        Ok(PublicKey::RSA(k)) => u32::try_from(k.key_size()).ok(),
        Ok(PublicKey::EC(_)) => pk.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).and_then(|o| curve_bits(o.as_bytes())),
        _ => None,
    };
    let ids = key_ids(&c);
    let not_after = c.validity().not_after.timestamp();
    let self_signed = ids.raw_subject == ids.raw_issuer && (ids.authority.is_none() || ids.authority == ids.subject);
    Some(CertInfo {
        path: path.into(),
        layer,
        format: format.into(),
        subject: name(c.subject()),
        issuer: name(c.issuer()),
        serial: serial_hex(&c.serial.to_str_radix(16)),
        not_before: time_text(c.validity().not_before.timestamp()),
        not_after: time_text(not_after),
        not_after_unix: not_after,
        public_key_algorithm: algorithm,
        public_key_bits: bits,
        is_ca: c.is_ca(),
        self_signed,
        expired: not_after < now,
        verified_by: None,
        hidden_by: None,
        ids,
    })
}

/// Links each certificate to the one of the set that issued it: its subject is the issuer's
/// name, and the key identifiers agree where both are given.
pub(crate) fn link_issuers(certs: &mut [CertInfo]) {
    let issuers: Vec<(Vec<u8>, Option<Vec<u8>>, String)> = certs.iter().map(|c| (c.ids.raw_subject.clone(), c.ids.subject.clone(), c.path.clone())).collect();
    for c in certs.iter_mut().filter(|c| !c.self_signed) {
        c.verified_by = issuers
            .iter()
            .find(|(subject, ski, path)| *path != c.path && *subject == c.ids.raw_issuer && (c.ids.authority.is_none() || ski.is_none() || *ski == c.ids.authority))
            .map(|(_, _, p)| p.clone());
    }
}
