#!/usr/bin/env bash
# Runs every test of the solution and does its own set-up.
#
# As root it first installs the Debian packages the interop and capture tests use; without root those
# tests report themselves skipped with the reason. The last line is "N passed, N failed[, N skipped]",
# summed from the real results of every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(iproute2 tcpdump ethtool tshark iperf3 nftables socat)
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "not root: tests that need root, namespaces or TAP will report skipped with the reason"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

set +e
dotnet test Devmem.slnx -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# dotnet test prints one summary per test project:
#   "Passed!  - Failed:     0, Passed:   123, Skipped:     0, Total:   123, Duration: ..."
read -r passed failed skipped < <(
  grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
    awk -F'[:,]' '{ f += $2; p += $4; s += $6 } END { print p + 0, f + 0, s + 0 }')
summaries=$(grep -cE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" || true)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A build error or a crashed test host: count it, never report green.
  failed=1
fi
if [ "$summaries" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test project reported results" >&2
  status=1
  failed=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
