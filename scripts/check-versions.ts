/**
 * The scheduled version check (`npm run check:versions`,
 * .github/workflows/version-calendar.yml): reads every `Pulumi.<stack>.yaml`
 * and fails when a stack's Kubernetes version ends within
 * VERSION_CHECK_FAIL_DAYS (60) days on the AKS calendar, or has ended. The
 * program itself warns at 90 days and refuses at end of life; this job gives
 * the team two months to upgrade before a deploy would stop.
 *
 * `versionCalendarReport` is pure (stacks and clock injected) and tested; the
 * command line reads the real clock.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Clock, VERSION_CHECK_FAIL_DAYS, checkKubernetesVersion, systemClock } from '../lib/aks-versions';
import { readStackConfig } from '../offline/stack-config';
import { stackConfigFromPulumiConfig } from '../config/validate';
import type { StackConfig } from '../config/schema';

/** One stack's line of the report. */
export interface StackVersionStatus {
  stack: string;
  version: string;
  /** Last supported day (community, or LTS with the LTS plan); undefined when the version is refused outright. */
  lastDay?: string;
  daysLeft?: number;
  ok: boolean;
  message: string;
}

/** Checks each stack's cluster version against the calendar on the clock's date. */
export function versionCalendarReport(stacks: Record<string, Pick<StackConfig, 'cluster'>>, clock: Clock, failDays = VERSION_CHECK_FAIL_DAYS): StackVersionStatus[] {
  return Object.entries(stacks).map(([stack, cfg]) => {
    const c = cfg.cluster;
    const check = checkKubernetesVersion(c.kubernetesVersion, { tier: c.tier, supportPlan: c.supportPlan, clock });
    const lts = c.supportPlan === 'AKSLongTermSupport';
    const lastDay = check.entry && (lts ? check.entry.ltsEnd : check.entry.endOfLife);
    if (check.problem) return { stack, version: c.kubernetesVersion, ok: false, message: `aks-platform:cluster.kubernetesVersion: ${check.problem}` };
    const daysLeft = check.daysLeft!;
    const ok = daysLeft >= failDays;
    const message = ok
      ? `Kubernetes ${c.kubernetesVersion}: supported until ${lastDay} (${daysLeft} days left)`
      : `Kubernetes ${c.kubernetesVersion} ends on ${lastDay} (${daysLeft} days left, under ${failDays}): upgrade aks-platform:cluster.kubernetesVersion in Pulumi.${stack}.yaml`;
    return { stack, version: c.kubernetesVersion, lastDay, daysLeft, ok, message };
  });
}

/** The stacks of a repository: every `Pulumi.<stack>.yaml` in `root`, validated. */
export function loadStacks(root: string): Record<string, StackConfig> {
  const stacks: Record<string, StackConfig> = {};
  for (const file of readdirSync(root).sort()) {
    const stack = /^Pulumi\.([A-Za-z0-9_-]+)\.yaml$/.exec(file)?.[1];
    if (!stack) continue;
    const values = readStackConfig(stack, {}, path.join(root, file)).values;
    // Only Azure stacks run on AKS; a `local` stack (aks-platform:target: local) has no AKS version.
    const target = values['aks-platform:target'];
    if (target !== undefined && target !== 'azure') continue;
    stacks[stack] = stackConfigFromPulumiConfig(values);
  }
  return stacks;
}

if (require.main === module) {
  const report = versionCalendarReport(loadStacks(path.resolve(__dirname, '..')), systemClock);
  for (const line of report) console.log(`${line.ok ? 'ok  ' : 'FAIL'} ${line.stack}: ${line.message}`);
  const failed = report.filter((line) => !line.ok);
  for (const line of failed) console.log(`::error title=Kubernetes version ends soon (${line.stack})::${line.message}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}
