//! Process ↔ image: what a process (its `/proc/<pid>/status`) may do with the files of an image.
//!
//! With an image open and a status dump pasted, three questions have answers no single view
//! gives (the rules are [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
//! "Transformation of capabilities during execve()" and
//! [prctl(2)](https://man7.org/linux/man-pages/man2/prctl.2.html) `PR_SET_NO_NEW_PRIVS`):
//!
//! - A file with capabilities gives the new program `P'(permitted) = (P(inheritable) &
//!   F(inheritable)) | (F(permitted) & P(bounding))`. When the file's effective bit is set (a
//!   "capability-dumb" binary) and that misses any of `F(permitted)`, `execve` fails with `EPERM`;
//!   without the bit the missing capabilities are silently not gained.
//! - With `NoNewPrivs: 1` neither setuid/setgid bits nor file capabilities are honoured: such a
//!   binary runs with the caller's privileges (and no `EPERM` check happens).
//! - The image config's `User` against the dump's `Uid`: a different user means the dump is not
//!   of this image's default process (or `--user` overrode it).

use crate::core::caps::CapSet;
use crate::core::image::PrivilegedFile;
use crate::core::status::ProcStatus;
use serde::{Deserialize, Serialize};

/// What a status dump says about the process, as far as the checks need it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessFacts {
    pub cap_inh: Option<CapSet>,
    pub cap_bnd: Option<CapSet>,
    pub no_new_privs: Option<bool>,
    /// Real and effective uid.
    pub uid: Option<(u32, u32)>,
}

impl ProcessFacts {
    pub fn from_status(s: &ProcStatus) -> ProcessFacts {
        ProcessFacts {
            cap_inh: s.cap_inh,
            cap_bnd: s.cap_bnd,
            no_new_privs: s.no_new_privs,
            uid: s.uid.as_ref().map(|u| (u.real, u.effective)),
        }
    }
}

/// What kind of answer a [`CrossCheck`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossKind {
    /// `execve` of this file fails with `EPERM`: its effective bit is set and the bounding set
    /// (with the inheritable path) cannot give all its permitted capabilities.
    ExecFails,
    /// The file's capabilities outside the bounding set are not gained (no effective bit, so
    /// no failure).
    CapsNotGained,
    /// `NoNewPrivs: 1`: the setuid/setgid bit or the file capabilities are not honoured.
    NoNewPrivsNeutralises,
    /// The config's `User` is another user than the dump's.
    UserDiffers,
    /// The config's `User` is the dump's user.
    UserMatches,
    /// The config's `User` is a name the image's `/etc/passwd` does not resolve.
    UserUnresolved,
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossCheck {
    pub kind: CrossKind,
    /// The image file it is about ("" for the user check).
    pub path: String,
    /// Capability names concerned (`cap_sys_admin`, as getcap prints them).
    pub caps: Vec<String>,
    /// A sentence.
    pub detail: String,
}

fn cap_names(set: u64) -> Vec<String> {
    (0..64u8)
        .filter(|b| set & (1u64 << b) != 0)
        .map(|b| match crate::core::caps::by_bit(b) {
            Some(c) => c.name.to_ascii_lowercase(),
            None => format!("cap_{b}"),
        })
        .collect()
}

/// Checks the image's privileged files and its config's `User` against a process.
/// `passwd` is the image's `/etc/passwd` (to resolve a user name), when it has one.
pub fn cross_check(files: &[PrivilegedFile], config_user: Option<&str>, passwd: Option<&str>, p: &ProcessFacts) -> Vec<CrossCheck> {
    let mut out = Vec::new();
    for f in files {
        let setid = (f.mode & 0o4000 != 0 && f.uid == 0) || (f.mode & 0o2000 != 0 && f.gid == 0);
        if p.no_new_privs == Some(true) {
            if setid || f.caps.is_some() {
                let what = match (setid, &f.caps) {
                    (true, Some(_)) => "its setuid/setgid-root bit and its file capabilities are",
                    (true, None) if f.mode & 0o4000 != 0 => "its setuid-root bit is",
                    (true, None) => "its setgid-root bit is",
                    (false, _) => "its file capabilities are",
                };
                out.push(CrossCheck {
                    kind: CrossKind::NoNewPrivsNeutralises,
                    path: f.path.clone(),
                    caps: f.caps.as_ref().map(|c| cap_names(c.permitted)).unwrap_or_default(),
                    detail: format!("NoNewPrivs is 1, so {what} not honoured: it runs with the caller's privileges"),
                });
            }
            continue;
        }
        let (Some(c), Some(bnd)) = (&f.caps, p.cap_bnd) else { continue };
        let inh = p.cap_inh.map_or(0, |s| s.0);
        let gained = (inh & c.inheritable) | (c.permitted & bnd.0);
        let missing = c.permitted & !gained;
        if missing == 0 {
            continue;
        }
        let names = cap_names(missing);
        let list = names.join(", ");
        out.push(if c.effective {
            CrossCheck {
                kind: CrossKind::ExecFails,
                path: f.path.clone(),
                caps: names,
                detail: format!(
                    "running it fails with EPERM: its effective bit is set and the bounding set lacks {list} (a capability-dumb binary must get all its permitted capabilities)"
                ),
            }
        } else {
            CrossCheck {
                kind: CrossKind::CapsNotGained,
                path: f.path.clone(),
                caps: names,
                detail: format!("it runs, but without {list}: the bounding set lacks them"),
            }
        });
    }
    if let Some(check) = user_check(config_user, passwd, p) {
        out.push(check);
    }
    out
}

/// The config's `User` (`name`, `uid`, `name:group`, `uid:gid`; empty is root) against the
/// dump's real and effective uid.
fn user_check(config_user: Option<&str>, passwd: Option<&str>, p: &ProcessFacts) -> Option<CrossCheck> {
    let (real, effective) = p.uid?;
    let user = config_user.unwrap_or("").split(':').next().unwrap_or("");
    let shown = if user.is_empty() { "(none: root)".to_owned() } else { format!("\"{user}\"") };
    let uid = if user.is_empty() {
        Some(0)
    } else if let Ok(n) = user.parse::<u32>() {
        Some(n)
    } else {
        passwd.and_then(|text| {
            text.lines().find_map(|l| {
                let mut f = l.split(':');
                (f.next() == Some(user)).then(|| f.nth(1).and_then(|u| u.parse::<u32>().ok())).flatten()
            })
        })
    };
    let Some(uid) = uid else {
        return Some(CrossCheck {
            kind: CrossKind::UserUnresolved,
            path: String::new(),
            caps: Vec::new(),
            detail: format!("the image's User {shown} is not in its /etc/passwd, so it cannot be compared with the dump's uid {effective}"),
        });
    };
    let same = real == uid && effective == uid;
    Some(CrossCheck {
        kind: if same { CrossKind::UserMatches } else { CrossKind::UserDiffers },
        path: String::new(),
        caps: Vec::new(),
        detail: if same {
            format!("the image's User {shown} is uid {uid}, the dump's uid")
        } else {
            format!(
                "the image's User {shown} is uid {uid}, but the dump's uid is {real} (effective {effective}): another user ran it (--user, or a user namespace mapping uids)"
            )
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::image::FileCaps;

    fn file(path: &str, mode: u32, caps: Option<(bool, u64, u64)>) -> PrivilegedFile {
        PrivilegedFile {
            path: path.into(),
            mode,
            uid: 0,
            gid: 0,
            layer: 0,
            caps: caps.map(|(effective, permitted, inheritable)| FileCaps {
                revision: 2,
                effective,
                permitted,
                inheritable,
                rootid: None,
                text: String::new(),
            }),
        }
    }

    const NET_RAW: u64 = 1 << 13;
    const SYS_ADMIN: u64 = 1 << 21;
    const NET_BIND: u64 = 1 << 10;

    #[test]
    fn effective_files_outside_the_bounding_set_fail_others_lose_caps() {
        let facts = ProcessFacts { cap_bnd: Some(CapSet(NET_RAW | NET_BIND)), cap_inh: Some(CapSet(0)), no_new_privs: Some(false), uid: None };
        let files = [
            file("bind", 0o755, Some((true, NET_BIND | SYS_ADMIN, 0))),
            file("raw", 0o755, Some((true, NET_RAW, 0))),
            file("quiet", 0o755, Some((false, SYS_ADMIN, 0))),
            file("inh", 0o755, Some((true, SYS_ADMIN, SYS_ADMIN))),
        ];
        let c = cross_check(&files, None, None, &facts);
        let got: Vec<_> = c.iter().map(|c| (c.path.as_str(), c.kind, c.caps.clone())).collect();
        assert_eq!(
            got,
            [
                ("bind", CrossKind::ExecFails, vec!["cap_sys_admin".to_string()]),
                ("quiet", CrossKind::CapsNotGained, vec!["cap_sys_admin".to_string()]),
                ("inh", CrossKind::ExecFails, vec!["cap_sys_admin".to_string()])
            ]
        );
        // The inheritable path gives what the bounding set does not.
        let facts = ProcessFacts { cap_inh: Some(CapSet(SYS_ADMIN)), ..facts };
        assert!(cross_check(&files[3..], None, None, &facts).is_empty());
        // Both routes giving the same capability give it (capabilities(7): P'(permitted) =
        // (P(inheritable) & F(inheritable)) | (F(permitted) & P(bounding)), an OR).
        let both = ProcessFacts { cap_bnd: Some(CapSet(NET_RAW)), cap_inh: Some(CapSet(NET_RAW)), ..facts };
        assert!(cross_check(&[file("raw", 0o755, Some((true, NET_RAW, NET_RAW)))], None, None, &both).is_empty());
    }

    #[test]
    fn no_new_privs_neutralises_setuid_root_and_file_caps_only() {
        let facts = ProcessFacts { cap_bnd: Some(CapSet(0)), no_new_privs: Some(true), ..Default::default() };
        let mut user_owned = file("mine", 0o4755, None);
        user_owned.uid = 1000;
        let files = [file("su", 0o4755, None), file("wall", 0o2755, None), file("ping", 0o755, Some((true, NET_RAW, 0))), user_owned];
        let c = cross_check(&files, None, None, &facts);
        assert_eq!(c.iter().map(|c| (c.path.as_str(), c.kind)).collect::<Vec<_>>(), [
            ("su", CrossKind::NoNewPrivsNeutralises),
            ("wall", CrossKind::NoNewPrivsNeutralises),
            ("ping", CrossKind::NoNewPrivsNeutralises)
        ]);
        assert!(c[0].detail.contains("setuid-root bit is not honoured"), "{}", c[0].detail);
        assert!(c[1].detail.contains("setgid-root"), "{}", c[1].detail);
    }

    #[test]
    fn the_user_is_resolved_by_number_name_or_root() {
        let passwd = "root:x:0:0::/root:/bin/sh\nredis:x:999:1000::/data:/sbin/nologin\n";
        let facts = |u| ProcessFacts { uid: Some((u, u)), ..Default::default() };
        let kind = |user: Option<&str>, uid| user_check(user, Some(passwd), &facts(uid)).map(|c| c.kind);
        assert_eq!(kind(None, 0), Some(CrossKind::UserMatches));
        assert_eq!(kind(Some(""), 999), Some(CrossKind::UserDiffers));
        assert_eq!(kind(Some("redis"), 999), Some(CrossKind::UserMatches));
        assert_eq!(kind(Some("999:1000"), 999), Some(CrossKind::UserMatches));
        assert_eq!(kind(Some("redis:redis"), 0), Some(CrossKind::UserDiffers));
        assert_eq!(kind(Some("nobody"), 0), Some(CrossKind::UserUnresolved));
        assert_eq!(user_check(Some("redis"), None, &ProcessFacts::default()), None);
    }
}
