//! A package's licence as its metadata states it, sorted into what each SBOM format can carry:
//! one SPDX identifier, an SPDX licence expression
//! ([SPDX 2.3 Annex D](https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/):
//! identifiers with an optional `+`, `WITH` an exception, `AND`, `OR`, parentheses), or text that
//! is neither (`GPL-2+` from a Debian copyright file, `BSD License` from Python metadata), which
//! CycloneDX keeps as a licence name and SPDX as a `LicenseRef-`.

use super::spdx_ids::SPDX_IDS;

/// How a stated licence is written into an SBOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Licence {
    /// One identifier of the SPDX licence list, spelled as the list spells it.
    Id(String),
    /// A valid expression over the list's identifiers (normalized spelling and spacing).
    Expression(String),
    /// Anything else, as stated (trimmed).
    Other(String),
}

/// Sorts a stated licence; `None` for an empty one.
///
/// ```
/// use tarsier::core::sbom::licence::{classify, Licence};
/// assert_eq!(classify("mit"), Some(Licence::Id("MIT".into())));
/// assert_eq!(classify("MIT OR Apache-2.0"), Some(Licence::Expression("MIT OR Apache-2.0".into())));
/// assert_eq!(classify("BSD License"), Some(Licence::Other("BSD License".into())));
/// ```
pub fn classify(raw: &str) -> Option<Licence> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let tokens = tokens(raw);
    let mut parser = Parser { tokens: &tokens, at: 0, out: Vec::new() };
    if parser.expression(0).is_some() && parser.at == tokens.len() {
        // `LGPL-2.1+` is an expression, unless the list has it as an identifier (deprecated ones).
        let single = match parser.out.as_slice() {
            [one] => known(one),
            _ => None,
        };
        return Some(match single {
            Some(id) => Licence::Id(id.to_owned()),
            None => Licence::Expression(parser.out.join(" ").replace("( ", "(").replace(" )", ")")),
        });
    }
    Some(Licence::Other(raw.to_owned()))
}

/// The list's spelling of an identifier (matching is case-insensitive, as SPDX's is).
fn known(id: &str) -> Option<&'static str> {
    match SPDX_IDS.binary_search(&id) {
        Ok(i) => SPDX_IDS.get(i).copied(),
        Err(_) => SPDX_IDS.iter().copied().find(|k| k.eq_ignore_ascii_case(id)),
    }
}

fn tokens(raw: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in raw.split_whitespace() {
        let mut rest = word;
        while !rest.is_empty() {
            if let Some(tail) = rest.strip_prefix(['(', ')']) {
                out.push(&rest[..1]);
                rest = tail;
                continue;
            }
            let end = rest.find(['(', ')']).unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// Most nested parentheses followed (a stated licence is a line, not a program).
const MAX_DEPTH: usize = 16;

struct Parser<'a> {
    tokens: &'a [&'a str],
    at: usize,
    /// The expression as written back, token by token.
    out: Vec<String>,
}

impl Parser<'_> {
    fn next(&self) -> Option<&str> {
        self.tokens.get(self.at).copied()
    }

    /// `term ((AND | OR) term)*`.
    fn expression(&mut self, depth: usize) -> Option<()> {
        self.term(depth)?;
        while let Some(op) = self.next().filter(|t| t.eq_ignore_ascii_case("AND") || t.eq_ignore_ascii_case("OR")) {
            self.out.push(op.to_ascii_uppercase());
            self.at += 1;
            self.term(depth)?;
        }
        Some(())
    }

    /// `( expression )` or `id[+] [WITH exception]`.
    fn term(&mut self, depth: usize) -> Option<()> {
        if self.next() == Some("(") {
            if depth >= MAX_DEPTH {
                return None;
            }
            self.out.push("(".into());
            self.at += 1;
            self.expression(depth + 1)?;
            (self.next() == Some(")")).then_some(())?;
            self.out.push(")".into());
            self.at += 1;
            return Some(());
        }
        let word = self.next()?;
        let (id, plus) = word.strip_suffix('+').map_or((word, ""), |id| (id, "+"));
        self.out.push(format!("{}{plus}", known(id)?));
        self.at += 1;
        if self.next().is_some_and(|t| t.eq_ignore_ascii_case("WITH")) {
            self.at += 1;
            let exception = known(self.next()?)?;
            self.out.push(format!("WITH {exception}"));
            self.at += 1;
        }
        Some(())
    }
}

/// Longest licence text kept whole in a `LicenseRef-` id (a Python `License:` field may hold a
/// whole licence; longer ones keep their start and a hash of the whole).
const MAX_REF_TEXT: usize = 48;

/// `LicenseRef-` and the text with every character but letters, digits, `.` and `-` as `-`
/// (SPDX's idstring), for text that is no SPDX expression.
pub fn licence_ref(text: &str) -> String {
    let text = text.trim();
    let id: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' }).collect();
    if id.is_empty() {
        return "LicenseRef-empty".into();
    }
    if id.chars().count() <= MAX_REF_TEXT {
        return format!("LicenseRef-{id}");
    }
    let start: String = id.chars().take(32).collect();
    let hash = crate::core::sha::sha256_hex(text.as_bytes());
    format!("LicenseRef-{start}-{}", hash.trim_start_matches("sha256:").get(..12).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_expressions_and_other_text() {
        assert_eq!(classify("  Apache-2.0 "), Some(Licence::Id("Apache-2.0".into())));
        assert_eq!(classify("GPL-2.0-or-later AND MIT"), Some(Licence::Expression("GPL-2.0-or-later AND MIT".into())));
        assert_eq!(
            classify("(mit or apache-2.0) and GPL-2.0-only with Classpath-exception-2.0"),
            Some(Licence::Expression("(MIT OR Apache-2.0) AND GPL-2.0-only WITH Classpath-exception-2.0".into()))
        );
        assert_eq!(classify("MPL-2.0+"), Some(Licence::Expression("MPL-2.0+".into())));
        assert_eq!(classify("lgpl-2.1+"), Some(Licence::Id("LGPL-2.1+".into())), "a deprecated id of the list");
        for other in ["GPL-2+", "BSD License", "MIT AND", "(MIT", "MIT)", "MIT WITH", "MIT MIT", "AND"] {
            assert_eq!(classify(other), Some(Licence::Other(other.into())), "{other}");
        }
        assert_eq!(classify(" "), None);
        let deep = format!("{}MIT{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(classify(&deep), Some(Licence::Other(deep.clone())));
    }

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(SPDX_IDS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(known("0bsd"), Some("0BSD"));
        assert_eq!(licence_ref("GPL-2+ / BSD_3"), "LicenseRef-GPL-2----BSD-3");
        let whole = "Permission is hereby granted, free of charge, to any person obtaining a copy";
        let r = licence_ref(whole);
        assert!(r.starts_with("LicenseRef-Permission-is-hereby-granted--fr-") && r.len() == "LicenseRef-".len() + 32 + 1 + 12, "{r}");
        assert_ne!(r, licence_ref(&format!("{whole}.")), "two long texts, two ids");
    }
}
