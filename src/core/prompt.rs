//! Shell prompts and command echoes in pasted text: `$ cat /proc/1/status`,
//! `root@host:~# grep Cap …`, `/ # cat …`, `bash-5.2# …`, `# comment`, `> …`.
//!
//! Text reaches Tarsier from terminals, so the command that printed it often comes along. Every
//! reader of pasted text (capability masks, `/proc/<pid>/status`, AppArmor labels) skips these
//! lines. A leaf module: it imports nothing from the core, so any reader may use it.

/// Whether a line is a shell prompt or command echo rather than data: it starts with `$`, `#`,
/// `>` or `%`, or is `user@host:path$ …` / `user@host:path# …`.
///
/// ```
/// use tarsier::core::prompt::is_prompt_line;
/// assert!(is_prompt_line("$ cat /proc/1/status"));
/// assert!(is_prompt_line("root@box:~# grep Cap /proc/self/status"));
/// assert!(!is_prompt_line("CapEff:\t00000000a80425fb"));
/// ```
pub fn is_prompt_line(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('$') || t.starts_with('#') || t.starts_with('>') || t.starts_with('%') {
        return true;
    }
    // user@host:path$ command / user@host:path# command
    if let Some(at) = t.find('@') {
        let rest = &t[at..];
        if let Some(end) = rest.find(['$', '#']) {
            return !rest[..end].contains(char::is_whitespace);
        }
    }
    false
}

/// [`is_prompt_line`], and the prompts it does not catch: `/ # cmd`, `bash-5.2# cmd`,
/// `sh-4.4$ cmd`, `host:~# cmd`, `PS> cmd` — at most two short words, the first ending in a
/// prompt character or the second being one. Looser, so a reader uses it only for lines that
/// are not data it knows (the status reader: lines whose key is not a status key).
///
/// ```
/// use tarsier::core::prompt::is_shell_prompt;
/// assert!(is_shell_prompt("bash-5.2# cat /proc/1/status"));
/// assert!(is_shell_prompt("/ # cat /proc/1/status"));
/// assert!(!is_shell_prompt("[Inferior 1 (process 4242) detached]"));
/// ```
pub fn is_shell_prompt(line: &str) -> bool {
    if is_prompt_line(line) {
        return true;
    }
    let mut words = line.split_whitespace();
    let ends_prompt = |w: &str| w.len() <= 64 && (w.ends_with('$') || w.ends_with('#') || w.ends_with('%') || w.ends_with('>'));
    match (words.next(), words.next()) {
        (Some(a), _) if ends_prompt(a) => true,
        (Some(a), Some(b)) => a.len() <= 64 && (b == "$" || b == "#" || b == "%" || b == ">"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_of_many_shells() {
        for p in ["$ cat /proc/1/status", "$", "root@host:~# cat /proc/1/status", "/ # cat /proc/1/status", "bash-5.2# cat x", "sh-4.4$ grep Cap /proc/self/status", "host:~# cat x", "PS> x", "% ls"] {
            assert!(is_shell_prompt(p), "{p}");
        }
        for data in ["Name:\tbash", "00000000a80425fb", "docker-default (enforce)", "(gdb) detach", "Detaching from program: /usr/bin/sleep, process 4242"] {
            assert!(!is_shell_prompt(data), "{data}");
        }
    }
}
