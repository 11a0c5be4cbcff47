#!/usr/bin/env bash
# Runs every test. On a fresh Debian 12 machine (as root, as in CI) it first installs what the end-to-end tests
# drive for real: Jupyter with the .NET kernel, headless Chromium, PostgreSQL, pandas and scikit-learn.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1

apt_packages=(jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client chromium python3-pandas python3-sklearn python3-scipy postgresql curl)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Not root: cannot install ${missing[*]}; tests that need them are skipped (or fail under CI=true)." >&2
  fi
fi

# The real .NET Interactive kernel (pinned in .config/dotnet-tools.json), registered with Jupyter.
dotnet tool restore >/dev/null
if ! jupyter kernelspec list 2>/dev/null | grep -q '\.net-csharp'; then
  dotnet interactive jupyter install >/dev/null
fi

if [ -f .ci/postgres.sh ]; then
  # shellcheck source=/dev/null
  source .ci/postgres.sh
fi

# A test that hangs (a cluster waiting on a worker, a kernel that never answers) is stopped after 20 minutes with a
# dump beside its results, and fails the run, instead of holding CI until its own time limit.
dotnet test Notebooks.sln --blame-hang-timeout 20m "$@"
