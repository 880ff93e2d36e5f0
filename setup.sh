#!/usr/bin/env bash
# One command that sets nianbao up on a fresh machine: system tools, a venv, torch (CPU) and the project.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the layout generator and the review check use (converters for real-world text layouts).
APT_PACKAGES="pandoc w3m lynx poppler-utils libreoffice-writer-nogui fonts-wqy-zenhei"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=$(for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "setup.sh: not root or no apt-get: install these yourself for the converter layouts: $APT_PACKAGES" >&2
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -e ".[ray,test,label-studio,bench]"  # extras the tests and benchmarks run: the Ray engine, fuzzing, the ML backend
echo "nianbao is set up: source .venv/bin/activate"
