/**
 * Tagging: every Azure resource the platform creates carries the same five
 * tags, so cost reports and policy can rely on them.
 */

/** The tags every resource must carry. */
export const REQUIRED_TAG_KEYS = ['environment', 'team', 'service', 'cost-center', 'managed-by'] as const;

export type RequiredTagKey = (typeof REQUIRED_TAG_KEYS)[number];

/** What a caller says about ownership; the rest of the required tags is derived. */
export interface TagInput {
  /** Deployment environment, e.g. `dev` or `prod`. */
  environment: string;
  /** Owning team. */
  team: string;
  /** Service or product the resources belong to. */
  service: string;
  /** Cost centre for charge-back. */
  costCenter: string;
  /** Extra tags; they may not override the required ones. */
  extra?: Record<string, string>;
}

/** Azure tag limits: name ≤ 512 chars (≤ 128 for storage), value ≤ 256, and these characters are not allowed in names. */
const FORBIDDEN_TAG_NAME_CHARS = /[<>%&\\?/]/;

/**
 * Returns the complete tag set for a resource. Throws when an extra tag tries
 * to override a required one or breaks Azure's tag rules.
 */
export function standardTags(input: TagInput): Record<string, string> {
  const required: Record<RequiredTagKey, string> = {
    environment: input.environment,
    team: input.team,
    service: input.service,
    'cost-center': input.costCenter,
    'managed-by': 'pulumi',
  };
  for (const [key, value] of Object.entries(required)) {
    if (!value || value.trim() === '') {
      throw new Error(`tag "${key}" must be a non-empty string`);
    }
  }
  const extra = input.extra ?? {};
  for (const [key, value] of Object.entries(extra)) {
    if ((REQUIRED_TAG_KEYS as readonly string[]).includes(key)) {
      throw new Error(`tag "${key}" is set by the platform and cannot be overridden in extra tags`);
    }
    if (FORBIDDEN_TAG_NAME_CHARS.test(key) || key.length > 512) {
      throw new Error(`tag name "${key}" is not allowed: at most 512 characters and none of < > % & \\ ? /`);
    }
    if (value.length > 256) {
      throw new Error(`tag "${key}" has a value longer than 256 characters`);
    }
  }
  return { ...extra, ...required };
}

/** The required tag keys that `tags` lacks (empty when complete). */
export function missingRequiredTags(tags: Record<string, unknown> | undefined): RequiredTagKey[] {
  return REQUIRED_TAG_KEYS.filter((key) => {
    const value = tags?.[key];
    return typeof value !== 'string' || value.trim() === '';
  });
}
