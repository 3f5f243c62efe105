/**
 * The operations runner's boot configuration (cloud-init): a pure function of
 * plain, non-secret facts. The instances get what the deploy and drift
 * workflows use on GitHub-hosted runners: Docker with buildx, skopeo, the
 * Azure CLI, git, jq, curl, and sudo for the workflow's tool installs. The GitHub token is never part of it: at each
 * registration the runner reads the token from Key Vault with its managed
 * identity, exchanges it for a one-hour registration token, registers as an
 * ephemeral runner (one job, then it deregisters) and exits; systemd starts
 * the next registration.
 */

/** Where the runner is unpacked (its register script is written there too). */
export const RUNNER_DIR = '/opt/actions-runner';
/** The boot script that downloads and verifies the runner (see {@link runnerInstallScript}). */
export const RUNNER_INSTALL_SCRIPT = '/usr/local/sbin/install-actions-runner.sh';

/** The Key Vault secret that holds the GitHub token of the runner. */
export const RUNNER_TOKEN_SECRET = 'github-runner-token';

/**
 * The GitHub Actions runner release the instances install, and the SHA-256 of
 * its linux-x64 archive. Source: the release notes of actions/runner
 * v2.338.0 (github.com/actions/runner/releases/tag/v2.338.0, "SHA-256 Checksums":
 * `actions-runner-linux-x64-2.338.0.tar.gz <!-- BEGIN SHA linux-x64 -->…`), which
 * the release API also reports as the asset's `digest`; checked 2026-12-01 (the
 * hash was cross-checked against independent public copies of those notes).
 *
 * Ephemeral runners run with `--disableupdate`, and GitHub stops sending jobs to a
 * runner that is not updated within 30 days of a new release: Renovate proposes
 * each release (renovate.json, customManagers: this file). The hash is recorded
 * per version in {@link RUNNER_SHA256S}: a bump without the new release's hash
 * fails the tests and the program run (no hash for that version), so a PR cannot
 * ship an unverified runner; and a wrong hash makes the boot script refuse the download.
 */
// renovate: datasource=github-releases depName=actions/runner extractVersion=^v(?<version>.+)$
export const RUNNER_VERSION = '2.338.0';
/** SHA-256 of `actions-runner-linux-x64-<version>.tar.gz`, per version (source: each release's notes, see {@link RUNNER_VERSION}). */
export const RUNNER_SHA256S: Readonly<Record<string, string>> = {
  '2.338.0': 'af4b794c1bc41d73d40535e3fe092a39f9679cd8d965954c2aca25a05ca41d32',
};

/** The recorded SHA-256 of a runner version's linux-x64 archive; throws when none is recorded. */
export function runnerSha256(version: string): string {
  const sha = RUNNER_SHA256S[version];
  if (!sha) throw new Error(`no SHA-256 recorded for GitHub Actions runner ${version}: add actions-runner-linux-x64-${version}.tar.gz's hash from the release notes to RUNNER_SHA256S (lib/operations-runner.ts)`);
  return sha;
}

/** Where the runner archive of a version is downloaded from. */
export function runnerDownloadUrl(version: string): string {
  return `https://github.com/actions/runner/releases/download/v${version}/actions-runner-linux-x64-${version}.tar.gz`;
}

/**
 * Microsoft's package signing key (packages.microsoft.com, "Microsoft (Release
 * signing)"), by fingerprint: apt installs the Azure CLI from Microsoft's
 * signed repository and refuses packages not signed by this key. Source:
 * Microsoft Learn, "Install the Azure CLI on Linux" (apt, manual install
 * steps) — checked 2026-12-01.
 */
export const MICROSOFT_PACKAGES_KEY_FINGERPRINT = 'BC528686B50D79E339D3721CEB3E94ADBE1229CF';

/** What {@link runnerInstallScript} downloads and checks. */
export interface RunnerArchive {
  /** Download URL of the archive. */
  url: string;
  /** Its expected SHA-256 (64 hex characters). */
  sha256: string;
  /** Directory the archive is unpacked into. */
  dir: string;
}

/**
 * The boot step that installs the runner: download, verify the SHA-256, and
 * only then unpack. Fails closed: any failure (download, mismatch, unpack)
 * exits non-zero before anything is unpacked, and the cloud-init line that
 * runs it enables the runner service only after it succeeded.
 */
export function runnerInstallScript(archive: RunnerArchive): string {
  if (!/^[0-9a-f]{64}$/.test(archive.sha256)) throw new Error(`runner archive sha256 "${archive.sha256}" must be 64 lowercase hex characters`);
  return [
    '#!/usr/bin/env bash',
    '# Downloads the pinned GitHub Actions runner, verifies its SHA-256, unpacks it. Fails closed.',
    'set -euo pipefail',
    `url='${archive.url}'`,
    `expected='${archive.sha256}'`,
    `dir='${archive.dir}'`,
    'archive="$(mktemp)"',
    'trap \'rm -f "$archive"\' EXIT',
    'curl --fail --silent --show-error --location --retry 3 --output "$archive" "$url"',
    'actual="$(sha256sum "$archive" | cut -d" " -f1)"',
    'if [ "$actual" != "$expected" ]; then',
    '  echo "actions runner: checksum mismatch for $url: expected $expected, got $actual; not installed" >&2',
    '  exit 1',
    'fi',
    'mkdir -p "$dir"',
    'tar -xzf "$archive" -C "$dir"',
    'echo "actions runner: $url verified (sha256 $actual) and unpacked into $dir"',
  ].join('\n');
}

/** The instances' admin user (SSH key only; password sign-in is off). */
export const RUNNER_ADMIN_USER = 'opsadmin';

/**
 * Key types Azure accepts for a Linux VM's admin user: RSA of at least 2048
 * bits and Ed25519 (Microsoft Learn, "Detailed steps: Create and manage SSH
 * keys for authentication to a Linux VM in Azure", § Supported SSH key formats,
 * https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed;
 * checked 2026-12-01). ECDSA and DSA keys are refused.
 */
export const SSH_KEY_TYPES = ['ssh-ed25519', 'ssh-rsa'] as const;

/** Smallest RSA modulus Azure accepts, in bits. */
export const MIN_RSA_BITS = 2048;

/** Reads one SSH wire-format string (uint32 length + bytes) at `offset`. */
function sshString(buf: Buffer, offset: number): { value: Buffer; next: number } | undefined {
  if (offset + 4 > buf.length) return undefined;
  const length = buf.readUInt32BE(offset);
  if (offset + 4 + length > buf.length) return undefined;
  return { value: buf.subarray(offset + 4, offset + 4 + length), next: offset + 4 + length };
}

/**
 * Why `key` is not an OpenSSH public key Azure accepts for the admin user, or
 * undefined. Checks the line format, that the base64 blob names the same key
 * type, the Ed25519 key length and the RSA modulus size. A private key is
 * refused with a message that does not echo it.
 */
export function sshPublicKeyProblem(key: string): string | undefined {
  const line = key.trim();
  if (/PRIVATE KEY/.test(line)) return 'is a private key; give the public key (the .pub file)';
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/.exec(line);
  if (!match) return 'is not an OpenSSH public key line such as "ssh-ed25519 AAAAC3... you@host"';
  const [, type, blob] = match;
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return `key type "${type}" is not accepted by Azure; use one of ${SSH_KEY_TYPES.join(', ')}`;
  const bytes = Buffer.from(blob, 'base64');
  const inner = sshString(bytes, 0);
  if (!inner || inner.value.toString('latin1') !== type) return `the key data does not hold a ${type} key`;
  if (type === 'ssh-ed25519') {
    const pub = sshString(bytes, inner.next);
    if (!pub || pub.value.length !== 32 || pub.next !== bytes.length) return 'the ssh-ed25519 key data is not a 32-byte public key';
    return undefined;
  }
  const exponent = sshString(bytes, inner.next);
  const modulus = exponent && sshString(bytes, exponent.next);
  if (!modulus || modulus.next !== bytes.length) return 'the ssh-rsa key data is not an exponent and a modulus';
  const m = modulus.value[0] === 0 ? modulus.value.subarray(1) : modulus.value;
  const bits = m.length === 0 ? 0 : (m.length - 1) * 8 + (32 - Math.clz32(m[0]));
  if (bits < MIN_RSA_BITS) return `the RSA key has ${bits} bits; Azure needs at least ${MIN_RSA_BITS}`;
  return undefined;
}

/** Plain facts the boot script needs. */
export interface RunnerBootOptions {
  /** Repository the runner registers with, `owner/name`. */
  githubRepository: string;
  /** Runner labels, e.g. `aks-platform-prod` (the workflows' `runs-on`). */
  labels: string[];
  /** Key Vault name (the vault is reached through its private endpoint). */
  keyVaultName: string;
  /** Client id of the runner's user-assigned identity (to ask IMDS for a vault token). */
  identityClientId: string;
  /** Secret holding the GitHub token; default {@link RUNNER_TOKEN_SECRET}. */
  tokenSecretName?: string;
  /** Runner release and the SHA-256 of its linux-x64 archive; default {@link RUNNER_VERSION} and its recorded hash. */
  runner?: { version: string; sha256: string };
}

/** Problems with the boot options (each names the field); empty when fine. */
export function runnerBootProblems(options: RunnerBootOptions): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/.test(options.githubRepository)) {
    problems.push(`githubRepository: "${options.githubRepository}" must be owner/name, e.g. contoso/aks-platform`);
  }
  if (options.labels.length === 0) problems.push('labels: at least one label (the workflows select the runner by it)');
  for (const label of options.labels) {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(label)) problems.push(`labels: "${label}" must be letters, digits, ., _ or -`);
  }
  if (!/^[a-z0-9-]{3,24}$/i.test(options.keyVaultName)) problems.push(`keyVaultName: "${options.keyVaultName}" is not a Key Vault name`);
  if (!/^[0-9a-f-]{36}$/i.test(options.identityClientId)) problems.push(`identityClientId: "${options.identityClientId}" is not a client id (GUID)`);
  if (options.runner !== undefined) {
    if (!/^\d+\.\d+\.\d+$/.test(options.runner.version)) problems.push(`runner.version: "${options.runner.version}" must be MAJOR.MINOR.PATCH`);
    if (!/^[0-9a-f]{64}$/.test(options.runner.sha256)) problems.push(`runner.sha256: "${options.runner.sha256}" must be the 64 lowercase hex characters of the archive's SHA-256`);
  }
  return problems;
}

/**
 * The cloud-init document (`#cloud-config`) of the runner instances: Docker,
 * the Azure CLI and the pinned runner release, a non-root `runner` user, and a
 * systemd service that registers one ephemeral runner at a time.
 */
export function runnerCloudInit(options: RunnerBootOptions): string {
  const problems = runnerBootProblems(options);
  if (problems.length > 0) throw new Error(`invalid operations runner boot options:\n  - ${problems.join('\n  - ')}`);
  const runner = options.runner ?? { version: RUNNER_VERSION, sha256: runnerSha256(RUNNER_VERSION) };
  const install = runnerInstallScript({ url: runnerDownloadUrl(runner.version), sha256: runner.sha256, dir: RUNNER_DIR });
  const secret = options.tokenSecretName ?? RUNNER_TOKEN_SECRET;
  const env = [
    `GITHUB_REPOSITORY=${options.githubRepository}`,
    `RUNNER_LABELS=${options.labels.join(',')}`,
    `KEY_VAULT_NAME=${options.keyVaultName}`,
    `TOKEN_SECRET_NAME=${secret}`,
    `IDENTITY_CLIENT_ID=${options.identityClientId}`,
  ];
  const register = [
    '#!/usr/bin/env bash',
    '# Registers one ephemeral runner, runs one job, exits (systemd restarts it).',
    'set -euo pipefail',
    'cd /opt/actions-runner',
    '# A vault token from the instance metadata service (managed identity); never written to disk.',
    'vault_token="$(curl -fsS -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=${IDENTITY_CLIENT_ID}" | jq -r .access_token)"',
    'github_token="$(curl -fsS -H "Authorization: Bearer ${vault_token}" "https://${KEY_VAULT_NAME}.vault.azure.net/secrets/${TOKEN_SECRET_NAME}?api-version=7.4" | jq -r .value)"',
    'registration="$(curl -fsS -X POST -H "Authorization: Bearer ${github_token}" -H "Accept: application/vnd.github+json" "https://api.github.com/repos/${GITHUB_REPOSITORY}/actions/runners/registration-token" | jq -r .token)"',
    'unset vault_token github_token',
    'rm -f .runner .credentials .credentials_rsaparams',
    './config.sh --unattended --ephemeral --disableupdate --replace --url "https://github.com/${GITHUB_REPOSITORY}" --token "${registration}" --labels "${RUNNER_LABELS}" --name "$(hostname)-$(date +%s)"',
    'unset registration',
    'exec ./run.sh',
  ].join('\n');
  const unit = [
    '[Unit]',
    'Description=Ephemeral GitHub Actions runner (aks-platform operations subnet)',
    'After=network-online.target docker.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'User=runner',
    'EnvironmentFile=/etc/actions-runner.env',
    'ExecStart=/opt/actions-runner/register-and-run.sh',
    'Restart=always',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
  const indent = (text: string) => text.split('\n').map((line) => `      ${line}`).join('\n');
  return [
    '#cloud-config',
    'package_update: true',
    // The Azure CLI from Microsoft's signed apt repository (key pinned by fingerprint), not a piped install script.
    'apt:',
    '  sources:',
    '    azure-cli:',
    '      source: deb [arch=amd64 signed-by=$KEY_FILE] https://packages.microsoft.com/repos/azure-cli/ $RELEASE main',
    `      keyid: ${MICROSOFT_PACKAGES_KEY_FINGERPRINT}`,
    'packages: [ca-certificates, curl, jq, git, unzip, docker.io, docker-buildx, skopeo, azure-cli]',
    'users:',
    '  - name: runner',
    '    groups: [docker]',
    '    shell: /bin/bash',
    '    lock_passwd: true',
    // The workflows install tools (kubelogin: `sudo az aks install-cli`) as on GitHub-hosted
    // runners. The VM is single-purpose and each job runs on a fresh registration.
    "    sudo: 'ALL=(ALL) NOPASSWD:ALL'",
    'write_files:',
    '  - path: /etc/actions-runner.env',
    "    permissions: '0644'",
    '    content: |',
    indent(env.join('\n')),
    '  - path: /opt/actions-runner/register-and-run.sh',
    "    permissions: '0755'",
    '    content: |',
    indent(register),
    `  - path: ${RUNNER_INSTALL_SCRIPT}`,
    "    permissions: '0755'",
    '    content: |',
    indent(install),
    '  - path: /etc/systemd/system/actions-runner.service',
    "    permissions: '0644'",
    '    content: |',
    indent(unit),
    'runcmd:',
    // One line, so that a failed or mismatching download stops it: the service is enabled only after the verified install.
    `  - ${RUNNER_INSTALL_SCRIPT} && ${RUNNER_DIR}/bin/installdependencies.sh && chown -R runner:runner ${RUNNER_DIR} && systemctl daemon-reload && systemctl enable --now actions-runner.service`,
    '',
  ].join('\n');
}
