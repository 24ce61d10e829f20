//! `/proc/<pid>/status`: what the kernel says about a process, one `Key:\tvalue` line per field,
//! parsed, explained and compared.
//!
//! The format is written by `proc_pid_status` in
//! [`fs/proc/array.c`](https://github.com/torvalds/linux/blob/master/fs/proc/array.c) and described
//! in [`Documentation/filesystems/proc.rst`](https://docs.kernel.org/filesystems/proc.html)
//! (table 1-2) and [proc_pid_status(5)](https://man7.org/linux/man-pages/man5/proc_pid_status.5.html).
//! Fields that only some kernels print are `Option`s documented with the release that added them;
//! keys this module does not know are kept, in order, with their line numbers.
//!
//! # API (what the web UI and the CLI call)
//!
//! | call | gives |
//! |---|---|
//! | [`parse`]`(&str) -> Result<ProcStatus, StatusError>` | one dump: raw fields + typed model |
//! | [`parse_all`]`(&str) -> Result<Vec<ProcStatus>, StatusError>` | one or more dumps pasted together (a key seen again starts the next dump) |
//! | [`analyze`]`(&ProcStatus) -> StatusReport` | everything the page shows, precomputed and serde-serializable |
//! | [`analyze_with`]`(&ProcStatus, Numbering) -> StatusReport` | the same, signal masks named by an architecture's numbering (MIPS, Alpha, SPARC, PA-RISC; [`SignalsReport::renumbered`] switches an existing report) |
//! | [`compare`]`(&StatusReport, &StatusReport) -> Vec<FieldDiff>` | the side-by-side comparison |
//! | [`known_keys`]`(&str) -> KnownKeys` | how many lines carry a status key (what `core::paste::classify` needs to tell a dump from masks) |
//! | [`to_fragment`] / [`from_fragment`] | the dump, deflated and base64url-encoded for a URL fragment (limits: [`MAX_FRAGMENT_TEXT_BYTES`], [`MAX_FRAGMENT_CHARS`]) |
//!
//! # How lenient the reader is
//!
//! Text arrives from terminals, `docker exec`, chat and web pages, so the reader accepts tabs or
//! spaces after the colon, `\r\n`, a leading byte-order mark, blank lines, shell prompts and
//! command echoes (`$ cat /proc/1/status`, `root@host:~# …`, `/ # …`, `bash-5.2# …`), `grep -H`
//! prefixes (`/proc/1/status:CapEff:…`), partial dumps and subsets such as `grep ^Cap`, and a
//! `Cpus_allowed`/`Mems_allowed` mask that a narrow terminal wrapped onto the next line.
//!
//! A line that is none of these — not `Key: value` with a key of letters, digits and `_` — is a
//! stray line: a debugger's `[Inferior 1 (process 4242) detached]` after the dump, a
//! `Detaching from program: …` or an editor's note in the middle. The rule: **stray lines are
//! ignored while they are fewer than the `Key: value` lines** (the text is mostly a dump), each
//! named with its 1-based line and text in a [`StatusWarning`] (at most
//! [`MAX_IGNORED_WARNINGS`], then one warning counts the rest); when they are as many as the
//! fields or more, the text is mostly not a status dump and is refused, naming the first one
//! ([`StatusError::NotKeyValue`]) — explaining half of the wrong text would mislead. A dump must
//! have at least one key this module knows.
//! A known key whose value cannot be read (e.g. a truncated last line) does not fail the parse:
//! the typed field stays `None`, the raw field is kept, and a [`StatusWarning`] says why.
//!
//! Sizes are bounded: at most [`MAX_INPUT_BYTES`] bytes and [`MAX_LINES`] lines are read (a 10 MB
//! paste is refused at once, before any line is looked at), and at most [`MAX_DUMPS`] dumps.
//!
//! ```
//! use tarsier::core::status::{analyze, parse, SeccompMode};
//! let text = "$ cat /proc/1/status\nName:\tredis-server\nUid:\t999\t999\t999\t999\n\
//!             NSpid:\t1099\t1\nCapEff:\t00000000a80425fb\nSeccomp:\t2\nSeccomp_filters:\t1\n\
//!             NoNewPrivs:\t0\nx_new_field:\ta:b:c\n";
//! let status = parse(text).unwrap();
//! assert_eq!(status.name.as_deref(), Some("redis-server"));
//! assert_eq!(status.seccomp, Some(SeccompMode::Filter));
//! assert_eq!(status.raw.last().unwrap().value, "a:b:c");
//! let report = analyze(&status);
//! assert_eq!(report.verdict.headline,
//!     "runs as uid 999 with 14 effective capabilities (Docker default), seccomp filtering on (1 filter), no_new_privs off");
//! assert_eq!(report.namespaces.explanation, "PID 1099 as seen by the reader; PID 1 inside a nested PID namespace (1 level below).");
//! ```

mod analyze;
mod compare;
mod cpulist;
mod fields;
mod fragment;
mod parse;

pub use analyze::*;
pub use compare::{compare, FieldDiff};
pub use cpulist::{CpuRange, CpuSet, MAX_LIST_ENTRIES, MAX_MASK_GROUPS};
pub use fields::{field_info, FieldInfo, FIELDS};
pub use fragment::{from_fragment, to_fragment, FragmentError, FRAGMENT_PREFIX, MAX_FRAGMENT_CHARS, MAX_FRAGMENT_TEXT_BYTES};
pub use parse::*;
