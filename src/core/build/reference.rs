//! Image references as `docker tag` takes them (distribution's `reference` grammar, simplified:
//! `[HOST[:PORT]/]NAME[/NAME…][:TAG]`, lowercase names, no digests).

use super::error::BuildError;

/// A checked `name:tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The repository as written (`busybox`, `example.com:5000/team/app`).
    pub name: String,
    pub tag: String,
}

impl Reference {
    /// `name:tag`, a missing tag being `latest`.
    ///
    /// # Errors
    /// A sentence naming what is wrong (an upper-case or empty name component, a bad tag, a digest).
    ///
    /// ```
    /// use tarsier::core::build::Reference;
    /// assert_eq!(Reference::parse("busybox").unwrap().to_string(), "busybox:latest");
    /// assert_eq!(Reference::parse("localhost:5000/a/b:v1.2").unwrap().tag, "v1.2");
    /// assert!(Reference::parse("Busybox").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Reference, BuildError> {
        let bad = |why: &str| BuildError::Invalid(format!("the tag {} {why}", text.escape_debug()));
        if text.contains('@') {
            return Err(bad("holds a digest; give name:tag"));
        }
        // A `:` after the last `/` starts the tag; one before it is a registry's port.
        let last_slash = text.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match text[last_slash..].rfind(':') {
            Some(i) => (&text[..last_slash + i], &text[last_slash + i + 1..]),
            None => (text, "latest"),
        };
        let tag_ok = !tag.is_empty()
            && tag.len() <= 128
            && tag.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
            && tag.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
        if !tag_ok {
            return Err(bad("has a tag that is not 1–128 letters, digits, \"_\", \".\" or \"-\""));
        }
        let mut parts: Vec<&str> = name.split('/').collect();
        if parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost") {
            let host = parts.remove(0);
            let (h, port) = host.split_once(':').unwrap_or((host, "0"));
            if h.is_empty() || !h.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')) || port.parse::<u16>().is_err() {
                return Err(bad("has a registry host that is not HOST[:PORT]"));
            }
        }
        if name.len() > 255 || parts.iter().any(|p| !component_ok(p)) {
            return Err(bad("has a name that is not lowercase letters and digits separated by \".\", \"_\", \"__\", \"-\" and \"/\""));
        }
        Ok(Reference { name: name.to_owned(), tag: tag.to_owned() })
    }

    /// The name as containerd writes it in `index.json` (`docker.io/library/busybox:latest`).
    pub fn containerd_name(&self) -> String {
        let first = self.name.split('/').next().unwrap_or("");
        let has_host = self.name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
        match (has_host, self.name.contains('/')) {
            (true, _) => format!("{self}"),
            (false, true) => format!("docker.io/{self}"),
            (false, false) => format!("docker.io/library/{self}"),
        }
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.name, self.tag)
    }
}

/// `[a-z0-9]+` runs joined by one `.`, one or two `_`, or any number of `-`.
fn component_ok(p: &str) -> bool {
    let b = p.as_bytes();
    if b.is_empty() || !b[0].is_ascii_lowercase() && !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_lowercase() && !b[b.len() - 1].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_lowercase() || b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && matches!(b[i], b'.' | b'_' | b'-') {
            i += 1;
        }
        let sep = &p[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-')) {
            return false;
        }
    }
    true
}
