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

/** The Key Vault secret that holds the GitHub token of the runner. */
export const RUNNER_TOKEN_SECRET = 'github-runner-token';

/**
 * The GitHub Actions runner release the instances install
 * (github.com/actions/runner/releases; checked 2026-12-01). Ephemeral runners
 * cannot self-update between jobs, so the version is pinned and bumped here.
 */
export const RUNNER_VERSION = '2.329.0';

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
  /** Runner release; default {@link RUNNER_VERSION}. */
  runnerVersion?: string;
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
  if (options.runnerVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(options.runnerVersion)) problems.push(`runnerVersion: "${options.runnerVersion}" must be MAJOR.MINOR.PATCH`);
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
  const version = options.runnerVersion ?? RUNNER_VERSION;
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
    'packages: [ca-certificates, curl, jq, git, unzip, docker.io, docker-buildx, skopeo]',
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
    '  - path: /etc/systemd/system/actions-runner.service',
    "    permissions: '0644'",
    '    content: |',
    indent(unit),
    'runcmd:',
    '  - curl -fsSL https://aka.ms/InstallAzureCLIDeb | bash',
    `  - curl -fsSL -o /tmp/runner.tar.gz https://github.com/actions/runner/releases/download/v${version}/actions-runner-linux-x64-${version}.tar.gz`,
    '  - tar -xzf /tmp/runner.tar.gz -C /opt/actions-runner && rm /tmp/runner.tar.gz',
    '  - /opt/actions-runner/bin/installdependencies.sh',
    '  - chown -R runner:runner /opt/actions-runner',
    '  - systemctl daemon-reload && systemctl enable --now actions-runner.service',
    '',
  ].join('\n');
}
