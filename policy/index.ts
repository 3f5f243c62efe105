/**
 * Pulumi policy pack "aks-platform-guardrails". From the repository root:
 *
 *   pulumi preview --stack prod --policy-pack policy
 *
 * The rules are data in ./rules.ts and are adapted in ./policies.ts (which
 * explains the stack-aware enforcement levels). This module only serves them;
 * importing it starts the analyzer server, so tests import ./policies instead.
 */
import { PolicyPack } from '@pulumi/policy';
import { policiesFor } from './policies';

new PolicyPack('aks-platform-guardrails', {
  description: 'AKS platform guardrails: Checkov-mapped Azure rules plus project rules (tags, AcrPull, private endpoints, protection, digest-pinned images).',
  enforcementLevel: 'mandatory',
  provider: 'azure',
  policies: policiesFor(),
});
