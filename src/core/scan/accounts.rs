//! Accounts from `/etc/passwd` and `/etc/shadow` (passwd(5), shadow(5)): password hashes by
//! crypt(5) prefix, empty and locked passwords, uid-0 accounts besides root, service accounts with
//! a login shell.

use serde::{Deserialize, Serialize};

/// One shadow line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowEntry {
    pub user: String,
    /// `md5crypt`, `sha256crypt`, `sha512crypt`, `yescrypt`, `bcrypt`, `scrypt`, `gost-yescrypt`,
    /// `sha1crypt`, `descrypt`; `None` when there is no hash (empty or locked).
    pub algorithm: Option<String>,
    /// No password at all: anyone may log in as this user.
    pub empty: bool,
    /// `*` or `!`: no password login.
    pub locked: bool,
}

/// A service account (uid 1–999) whose shell lets it log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginService {
    pub user: String,
    pub uid: u64,
    pub shell: String,
}

/// What the account files say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounts {
    pub shadow: Vec<ShadowEntry>,
    pub uid0: Vec<String>,
    pub uid0_besides_root: Vec<String>,
    pub service_accounts_with_login_shell: Vec<LoginService>,
    pub empty_password: Vec<String>,
}

/// The algorithm a crypt(5) hash names by its prefix.
pub fn algorithm(hash: &str) -> Option<&'static str> {
    let named = [("$1$", "md5crypt"), ("$5$", "sha256crypt"), ("$6$", "sha512crypt"), ("$y$", "yescrypt"), ("$gy$", "gost-yescrypt"), ("$7$", "scrypt"), ("$2b$", "bcrypt"), ("$2a$", "bcrypt"), ("$2y$", "bcrypt"), ("$sha1$", "sha1crypt")];
    if let Some((_, name)) = named.iter().find(|(p, _)| hash.starts_with(p)) {
        return Some(name);
    }
    (hash.len() == 13 && hash.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'/')).then_some("descrypt")
}

/// Reads the two files (either may be missing).
pub fn read_accounts(passwd: Option<&str>, shadow: Option<&str>) -> Accounts {
    let mut a = Accounts::default();
    for line in shadow.unwrap_or("").lines() {
        let mut f = line.split(':');
        let (Some(user), Some(hash)) = (f.next(), f.next()) else { continue };
        if user.is_empty() || user.starts_with('#') {
            continue;
        }
        let locked = hash.starts_with('*') || hash.starts_with('!');
        let empty = hash.is_empty();
        if empty {
            a.empty_password.push(user.to_owned());
        }
        a.shadow.push(ShadowEntry { user: user.to_owned(), algorithm: if locked { None } else { algorithm(hash).map(str::to_owned) }, empty, locked });
    }
    for line in passwd.unwrap_or("").lines() {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 7 || f[0].starts_with('#') {
            continue;
        }
        let Ok(uid) = f[2].parse::<u64>() else { continue };
        if uid == 0 {
            a.uid0.push(f[0].to_owned());
            if f[0] != "root" {
                a.uid0_besides_root.push(f[0].to_owned());
            }
        }
        let shell = f[6];
        let no_login = shell.is_empty() || shell.ends_with("/nologin") || shell.ends_with("/false");
        if (1..1000).contains(&uid) && !no_login {
            a.service_accounts_with_login_shell.push(LoginService { user: f[0].to_owned(), uid, shell: shell.to_owned() });
        }
    }
    a
}
