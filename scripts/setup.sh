#!/usr/bin/env bash
# One-command set-up of bprof on Debian/Ubuntu: the system packages it builds against (installed
# when this runs as root or with passwordless sudo; otherwise the exact command is printed and
# the script stops), then `npm ci` and `npm run build` (native binding + TypeScript).
#   scripts/setup.sh                 set up to run bprof
#   scripts/setup.sh --with-browser  also chromium, which the HTML-report browser test uses (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libtorch-dev libopenblas0-pthread g++ make python3)
[ "${1:-}" = "--with-browser" ] && packages+=(chromium)

say() { printf 'setup: %s\n' "$*"; }

# Node.js first: without it nothing else matters (Debian's own nodejs is too old).
need_node="20.5.0"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "Node.js >= $need_node with npm is needed (https://nodejs.org, or NodeSource's Debian packages); install it and run this again"
  exit 1
fi
node_version="$(node -p 'process.versions.node')"
if [ "$(printf '%s\n%s\n' "$need_node" "$node_version" | sort -V | head -1)" != "$need_node" ]; then
  say "Node.js $node_version is too old: bprof needs >= $need_node"
  exit 1
fi

if ! command -v dpkg >/dev/null 2>&1; then
  say "not a Debian/Ubuntu system: install libtorch (set LIBTORCH=<dir>, see native/README.md), OpenBLAS and a C++ compiler, then run: npm ci && npm run build"
  exit 1
fi
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    say "missing system packages: ${missing[*]}"
    say "install them with this command, then run scripts/setup.sh again:"
    printf '\n    sudo apt-get update && sudo apt-get install -y %s\n\n' "${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
else
  say "system packages present: ${packages[*]}"
fi

say "npm ci"
npm ci
say "npm run build"
npm run build
say "done: try 'npx bprof profile --limit 200' (the organism on the shipped benchmarks)"
