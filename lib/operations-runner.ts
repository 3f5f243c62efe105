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
