#!/usr/bin/env bash
# What the test suite needs beyond Python, set up when missing: a JDK (17+) and Maven
# for Apache Kafka, Chromium for the dashboard's browser test, docker-compose to check
# docker-compose.yml, Node.js and the AsyncAPI parser. Installs with apt-get when run as
# root on Debian; otherwise stops at once with the one command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null || missing+=(maven)
command -v chromium >/dev/null || missing+=(chromium)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v npm >/dev/null || missing+=(nodejs npm)

if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "make test needs ${missing[*]}; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} (apt-get, once)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The AsyncAPI project's parser, pinned by tests/asyncapi/package-lock.json.
if [ ! -d tests/asyncapi/node_modules/@asyncapi/parser ]; then
  echo "installing the AsyncAPI parser (npm, once)"
  npm ci --prefix tests/asyncapi --no-audit --no-fund --loglevel=error >/dev/null
fi
