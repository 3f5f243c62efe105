/**
 * Human-readable rendering of a {@link Plan}: resource tree, outputs, policy
 * findings, costs and the critical path. Plain text (no colours), so it can be
 * pasted into a PR comment as is.
 */
import type { Plan, PlanResource } from './build';

function money(value: number): string {
  return `$${value.toFixed(2)}`;
}

function costLabel(resource: PlanResource): string {
  switch (resource.cost.kind) {
    case 'estimate': {
      const { monthly, monthlyMax } = resource.cost.estimate;
      return monthlyMax !== undefined ? `${money(monthly)}-${money(monthlyMax)}/mo` : `${money(monthly)}/mo`;
    }
    case 'usage':
      return 'usage-based';
    case 'unknown':
      return 'cost n/a';
    default:
      return '';
  }
}

function shortType(type: string): string {
  return type.replace(/^azure-native:/, '').replace(/^kubernetes:/, 'k8s:');
}

function renderTree(plan: Plan): string[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const children = new Map<string, PlanResource[]>();
  const roots: PlanResource[] = [];
  for (const r of plan.resources) {
    if (r.parent && byUrn.has(r.parent)) {
      const list = children.get(r.parent) ?? [];
      list.push(r);
      children.set(r.parent, list);
    } else {
      roots.push(r);
    }
  }
  const lines: string[] = [];
  const walk = (resource: PlanResource, prefix: string, last: boolean, depth: number): void => {
    const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const props = Object.entries(resource.keyProperties).map(([k, v]) => `${k}=${v}`).join(' ');
    const meta = [
      resource.protect ? 'protected' : '',
      resource.minutes > 0 ? `~${resource.minutes}m @${resource.startMinute}` : '',
      costLabel(resource),
    ].filter(Boolean).join(', ');
    lines.push(`${prefix}${branch}${shortType(resource.type)} ${resource.name}${props ? `  {${props}}` : ''}${meta ? `  [${meta}]` : ''}`);
    const childPrefix = depth === 0 ? '' : prefix + (last ? '   ' : '│  ');
    const deps = resource.dependencies.map((d) => byUrn.get(d)?.name ?? d.replace(/^.*::/, ''));
    if (resource.provider) deps.push(`provider ${byUrn.get(resource.provider)?.name ?? resource.provider.replace(/^.*::/, '')}`);
    const kids = children.get(resource.urn) ?? [];
    if (deps.length > 0) lines.push(`${childPrefix}${kids.length > 0 ? '│  ' : '   '}  depends on: ${deps.join(', ')}`);
    kids.forEach((child, i) => walk(child, childPrefix, i === kids.length - 1, depth + 1));
  };
  roots.forEach((root) => walk(root, '', true, 0));
  return lines;
}

/** The plan as text. */
export function renderText(plan: Plan): string {
  const out: string[] = [];
  const custom = plan.resources.filter((r) => r.custom).length;
  out.push(`Offline plan for stack "${plan.stack}" (${plan.environment} rules), ${custom} resources + ${plan.resources.length - custom} components`);
  out.push('');
  out.push('== Resources (type name {key properties} [provisioning ~minutes @start minute, estimated cost])');
  out.push(...renderTree(plan));
  out.push('');
  out.push('== Outputs');
  for (const [key, output] of Object.entries(plan.outputs)) {
    out.push(`  ${key}: ${typeof output.value === 'string' ? output.value : JSON.stringify(output.value)}`);
  }
  if (Object.keys(plan.outputs).length === 0) out.push('  (none)');
  out.push('');
  const mandatory = plan.findings.filter((f) => f.level === 'mandatory');
  const advisory = plan.findings.filter((f) => f.level === 'advisory');
  out.push(`== Policy findings (policy/rules.ts): ${mandatory.length} mandatory, ${advisory.length} advisory`);
  for (const f of plan.findings) {
    const ids = f.publicIds.length > 0 ? ` [${f.publicIds.join(', ')}]` : '';
    out.push(`  ${f.level.toUpperCase()} ${f.ruleId}${ids} on ${shortType(f.type)} ${f.name}${f.property ? ` (${f.property})` : ''}`);
    out.push(`    ${f.message}`);
    if (f.reason) out.push(`    why advisory: ${f.reason}`);
    if (f.level === 'mandatory') out.push(`    fix: ${f.remediation}`);
  }
  if (plan.findings.length === 0) out.push('  none');
  out.push('');
  const { priceTable } = plan.cost;
  out.push(`== Estimated monthly cost (${priceTable.currency}, ${priceTable.region} list prices of ${priceTable.date}; ${priceTable.disclaimer})`);
  const priced = plan.resources
    .filter((r) => r.cost.kind === 'estimate')
    .sort((a, b) => (b.cost.kind === 'estimate' && a.cost.kind === 'estimate' ? b.cost.estimate.monthly - a.cost.estimate.monthly : 0));
  for (const r of priced) {
    if (r.cost.kind !== 'estimate') continue;
    out.push(`  ${costLabel(r).padStart(22)}  ${shortType(r.type)} ${r.name}: ${r.cost.estimate.basis}`);
  }
  for (const n of plan.cost.notEstimated) out.push(`  ${'not estimated'.padStart(22)}  ${shortType(n.type)} ${n.name}: ${n.note}`);
  const range = plan.cost.monthlyTotalMax !== plan.cost.monthlyTotal ? ` (up to ${money(plan.cost.monthlyTotalMax)} with every pool at its maximum)` : '';
  out.push(`  TOTAL ${money(plan.cost.monthlyTotal)}/month${range}`);
  out.push('');
  if (plan.regions.length > 0) {
    out.push(`== Regions (regional stamps and the global layer: resources, estimated monthly cost)`);
    for (const r of plan.regions) out.push(`  ${r.name} (${r.location}): ${r.resources} resources, ${money(r.monthly)}/month${r.monthlyMax !== r.monthly ? ` (up to ${money(r.monthlyMax)})` : ''}`);
    const g = plan.globalLayer;
    out.push(`  global layer: ${g.resources} resources, ${money(g.monthly)}/month${g.monthlyMax !== g.monthly ? ` (up to ${money(g.monthlyMax)})` : ''}`);
    out.push('');
  }
  out.push(`== Critical path: ~${plan.criticalPath.totalMinutes} minutes (longest dependency chain; typical provisioning times from plan/durations.ts)`);
  for (const step of plan.criticalPath.steps) {
    out.push(`  ${String(step.startMinute).padStart(5)} → ${String(step.finishMinute).padEnd(5)} ${shortType(step.type)} ${step.name} (~${step.minutes}m)`);
  }
  out.push('');
  out.push(plan.blocked
    ? `RESULT: blocked — ${mandatory.length} mandatory policy finding(s) for stack "${plan.stack}"`
    : `RESULT: ok — no mandatory policy findings for stack "${plan.stack}"`);
  return `${out.join('\n')}\n`;
}

/** The plan as JSON (the same content, for machines). */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
