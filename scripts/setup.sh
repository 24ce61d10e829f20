#!/usr/bin/env bash
# Installs whatever Tarsier's build (and, with --browser, its tests) needs and is missing.
# Safe to re-run: each step checks first, so a machine that has everything is done in seconds.
#
#   scripts/setup.sh            the wasm32 target, Trunk, the matching wasm-bindgen-cli, npm tools
#   scripts/setup.sh --browser  also Debian's chromium + chromium-driver for the browser tests, the oracles,
#                               and the tools of the fixture scripts (scripts/fixtures/, cargo-auditable)
#
# Source it (`. scripts/setup.sh`) or read scripts/env.sh for the PATH it sets.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/env.sh

TRUNK_VERSION=0.21.14
CARGO_AUDITABLE_VERSION=0.7.7
# The SBOM validators of tests/sbom_export.rs (PyPI), in a venv of their own: target/venv-sbom.
CYCLONEDX_LIB_VERSION=11.12.0
SPDX_TOOLS_VERSION=0.8.5
want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    sudo_if_needed apt-get update -qq
    apt_updated=1
  fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# 1. Rust toolchain pieces.
command -v cargo >/dev/null || { echo "setup.sh: cargo (rustup) is required" >&2; exit 1; }
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli: must equal the wasm-bindgen in Cargo.lock, or Trunk would try to download it.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version"
  # --locked can fail when the mirror lacks a pinned dependency; then resolve afresh.
  cargo install --locked wasm-bindgen-cli --version "$wb_version" \
    || cargo install --force wasm-bindgen-cli --version "$wb_version"
fi

# 3. Trunk (about 10 minutes to build from source, once).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (builds from source, about 10 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION" \
    || cargo install --force trunk --version "$TRUNK_VERSION"
fi

# 4. Node tools: wasm-opt (npm binaryen 132) for Trunk, playwright-core and axe-core for tests.
if ! command -v npm >/dev/null; then
  say "installing Node.js and npm from Debian"
  apt_install nodejs npm
fi
if ! [ -x node_modules/.bin/wasm-opt ] || ! [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "installing npm tools (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 5. For the tests: Debian's Chromium and its driver (never a downloaded browser), and the
#    outside oracles the tests compare Tarsier with (the tests fail, naming the package, without
#    them): GNU tar, gzip and zstd, skopeo, umoci, getcap/capsh (libcap2-bin), dpkg-query, python3,
#    scmp_sys_resolver (seccomp), apparmor_parser (apparmor), go (golang-go), GNU diff and patch,
#    GNU time, and the kernel's signal headers of five architectures
#    (linux-libc-dev and four *-cross).
if [ "$want_browser" -eq 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  for pair in tar:tar gzip:gzip zstd:zstd skopeo:skopeo umoci:umoci dpkg-query:dpkg python3:python3 scmp_sys_resolver:seccomp \
              diff:diffutils patch:patch; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  { [ -x /usr/sbin/capsh ] && [ -x /usr/sbin/getcap ]; } || command -v getcap >/dev/null || missing+=(libcap2-bin)
  # apparmor_parser compiles AppArmor profile text without a kernel (tests/apparmor_oracle.rs);
  # Go's text/template renders Docker's AppArmor templates there too.
  [ -x /sbin/apparmor_parser ] || [ -x /usr/sbin/apparmor_parser ] || command -v apparmor_parser >/dev/null || missing+=(apparmor)
  command -v go >/dev/null || missing+=(golang-go)
  # GNU time: the peak memory of `tarsier build` on a 2.5 GiB rootfs (tests/build.rs).
  [ -x /usr/bin/time ] || missing+=(time)
  # Each architecture's asm/signal.h: the oracle of tests/signal_numberings.rs.
  for pair in /usr/include/asm-generic/signal.h:linux-libc-dev \
              /usr/mips64el-linux-gnuabi64/include/asm/signal.h:linux-libc-dev-mips64el-cross \
              /usr/alpha-linux-gnu/include/asm/signal.h:linux-libc-dev-alpha-cross \
              /usr/sparc64-linux-gnu/include/asm/signal.h:linux-libc-dev-sparc64-cross \
              /usr/hppa-linux-gnu/include/asm/signal.h:linux-libc-dev-hppa-cross; do
    [ -f "${pair%%:*}" ] || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing from Debian: ${missing[*]}"
    apt_install "${missing[@]}"
  fi

  # 6. The fixture scripts (scripts/fixtures/*.sh, run by tests/fixture_scripts.rs) build images
  #    with these real tools; they also reach Debian, PyPI, npm and crates.io.
  fmissing=()
  for pair in buildah:buildah podman:podman openssl:openssl ssh-keygen:openssh-client go:golang-go \
              rpm:rpm rpmbuild:rpm mkpasswd:whois objcopy:binutils unzip:unzip git:git flock:util-linux; do
    command -v "${pair%%:*}" >/dev/null || fmissing+=("${pair#*:}")
  done
  python3 -m pip --version >/dev/null 2>&1 || fmissing+=(python3-pip)
  python3 -c 'import ensurepip' >/dev/null 2>&1 || fmissing+=(python3-venv)
  if [ ${#fmissing[@]} -gt 0 ]; then
    say "installing from Debian for the fixture scripts: ${fmissing[*]}"
    mapfile -t fmissing < <(printf '%s\n' "${fmissing[@]}" | sort -u)
    apt_install "${fmissing[@]}"
  fi
  # 7. The SBOM exports' validators (tests/sbom_export.rs): the official CycloneDX 1.6 schema as
  #    cyclonedx-python-lib bundles it, and spdx-tools' SPDX 2.3 validation.
  venv=target/venv-sbom
  want="cyclonedx-python-lib==$CYCLONEDX_LIB_VERSION spdx-tools==$SPDX_TOOLS_VERSION"
  if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]; then
    say "installing the SBOM validators into $venv: $want"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check \
      "cyclonedx-python-lib[json-validation]==$CYCLONEDX_LIB_VERSION" "spdx-tools==$SPDX_TOOLS_VERSION"
    echo "$want" >"$venv/.installed"
  fi
  if ! cargo auditable --version >/dev/null 2>&1; then
    say "installing cargo-auditable $CARGO_AUDITABLE_VERSION (for scripts/fixtures/sbom_image.sh)"
    cargo install --locked cargo-auditable --version "$CARGO_AUDITABLE_VERSION"
  fi
fi
say "ready: $(trunk --version), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), $(node_modules/.bin/wasm-opt --version | head -n1)"
