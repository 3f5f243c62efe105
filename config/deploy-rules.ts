/**
 * Azure's rules that depend on the date: the AKS version calendar (and the
 * pool VM sizes the table does not know, which are warnings). They run on the
 * validated config before any resource is registered, with an injected clock,
 * and report like the schema: the key, the value and what is allowed.
 */
import { Clock, checkKubernetesVersion } from '../lib/aks-versions';
import { osDiskFit } from '../lib/vm-sizes';
import type { StackConfig } from './schema';
import { ConfigProblem, ConfigValidationError, keyPath } from './validate';

/** What the date-dependent rules found: problems stop the deploy, warnings are logged. */
export interface DeployRuleFindings {
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}

/** The calendar and VM-size findings for a validated stack config, on the clock's date. */
export function deployRuleFindings(cfg: StackConfig, clock: Clock): DeployRuleFindings {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const c = cfg.cluster;
  const version = checkKubernetesVersion(c.kubernetesVersion, { tier: c.tier, supportPlan: c.supportPlan, clock });
  const versionKey = keyPath(['cluster', 'kubernetesVersion']);
  if (version.problem) problems.push({ key: versionKey, message: version.problem });
  for (const message of version.warnings) warnings.push({ key: versionKey, message });
  const pools: Array<[(string | number)[], { vmSize: string; osDiskType: string; osDiskSizeGb?: number }]> = [
    [['cluster', 'systemPool'], c.systemPool],
    ...c.userPools.map((pool, i): [(string | number)[], typeof pool] => [['cluster', 'userPools', i], pool]),
  ];
  for (const [path, pool] of pools) {
    const warning = osDiskFit(pool).warning;
    if (warning) warnings.push({ key: keyPath([...path, 'vmSize']), message: warning });
  }
  return { problems, warnings };
}

/** Throws {@link ConfigValidationError} when a date-dependent rule refuses the config; returns the warnings. */
export function checkDeployRules(cfg: StackConfig, clock: Clock): ConfigProblem[] {
  const { problems, warnings } = deployRuleFindings(cfg, clock);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return warnings;
}
