/**
 * Turns raw stack configuration into a validated {@link StackConfig}, or an
 * error that lists every problem with its full key path, the bad value and
 * what is allowed. Pure: the program and the tests both call it.
 */
import { z } from 'zod';
import { stackTargetOf } from '../lib/local-target';
import { CONFIG_NAMESPACE, LocalStackConfig, StackConfig, localStackConfigSchema, stackConfigFieldsSchema, stackConfigSchema } from './schema';

/** One problem with the stack configuration. */
export interface ConfigProblem {
  /** Full key path, e.g. `aks-platform:cluster.userPools[1].name`. */
  key: string;
  /** What is wrong and what is allowed. */
  message: string;
}

/** Thrown when the stack configuration is invalid; lists every problem. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** `cluster.userPools[1].name` → `aks-platform:cluster.userPools[1].name`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return `${CONFIG_NAMESPACE}:${out}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as string];
  }
  return current;
}

/** The keys an object schema allows at `path` (through optional/default/array wrappers). */
function allowedKeysAt(path: readonly PropertyKey[], root: z.core.$ZodType = stackConfigFieldsSchema): string[] {
  let schema: z.core.$ZodType = root;
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType => {
    const def = (s as unknown as { _zod: { def: { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType } } })._zod.def;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) return unwrap(def.innerType);
    if (def.type === 'pipe' && def.in) return unwrap(def.in);
    return s;
  };
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray) schema = schema.element as z.core.$ZodType;
    else if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.core.$ZodType>)[String(segment)];
    else if (schema instanceof z.ZodRecord) schema = schema._zod.def.valueType as z.core.$ZodType;
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** Makes a zod issue into a problem that names the key, the value and what is allowed. */
function toProblem(issue: z.core.$ZodIssue, input: unknown, root: z.core.$ZodType = stackConfigFieldsSchema): ConfigProblem[] {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(issue.path, root);
      return issue.keys.map((key) => ({
        key: keyPath([...issue.path, key]),
        message: `unknown key (a typo?); allowed keys here: ${allowed.join(', ')}`,
      }));
    }
    case 'invalid_value':
      return [{ key: keyPath(issue.path), message: `got ${describe(value)}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    case 'invalid_type':
      return [{
        key: keyPath(issue.path),
        message: value === undefined ? `is required (expected ${issue.expected})` : `got ${describe(value)}; expected ${issue.expected}`,
      }];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      const what = issue.origin === 'array' ? 'entries' : issue.origin === 'string' ? 'characters' : '';
      return [{ key: keyPath(issue.path), message: `got ${describe(value)}; must be ${bound}${what ? ` ${what}` : ''}` }];
    }
    case 'custom':
      // Custom rules state the value themselves when it is a single field.
      return [{ key: keyPath(issue.path), message: issue.message.startsWith('"') ? issue.message : `${issue.message}${value !== undefined && typeof value !== 'object' ? ` (got ${describe(value)})` : ''}` }];
    default:
      return [{ key: keyPath(issue.path), message: `got ${describe(value)}; ${issue.message}` }];
  }
}

/** Validates configuration values (keys without the namespace); throws {@link ConfigValidationError}. */
export function parseStackConfig(values: Record<string, unknown>): StackConfig {
  // `target: azure` is the default target, spelled out (see parseTargetConfig); it is not a field of the Azure config.
  if ('target' in values) {
    const target = stackTargetOf(values.target);
    if ('problem' in target) throw new ConfigValidationError([{ key: keyPath(['target']), message: target.problem }]);
    if (target.target !== 'azure') throw new ConfigValidationError([{ key: keyPath(['target']), message: `"${target.target}" is not an Azure stack; read it with parseTargetConfig` }]);
    const { target: _azure, ...rest } = values;
    void _azure;
    values = rest;
  }
  // Fields first; the rules between fields only see fields that are valid.
  const fields = stackConfigFieldsSchema.safeParse(values);
  const result = fields.success ? stackConfigSchema.safeParse(values) : fields;
  if (!result.success) {
    throw new ConfigValidationError(result.error.issues.flatMap((issue) => toProblem(issue, values)));
  }
  return result.data;
}

/** Keys whose value is structured (YAML object/list or boolean), stored by Pulumi as JSON text. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Keys whose values stay plain text in Pulumi's config map, never JSON (so `prefix: "123"` is not a number). */
const TEXT_KEYS = ['environment', 'location', 'prefix'];

/**
 * The `aks-platform:*` entries of Pulumi's flat config map (`pulumi.runtime.allConfig()`, or a
 * stack file's values flattened as Pulumi does), by key: structured values, which Pulumi keeps as
 * JSON text, parsed; `textKeys` as they are.
 */
export function configValuesFromPulumiConfig(all: Record<string, string>, textKeys: readonly string[] = TEXT_KEYS): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(all)) {
    const [namespace, ...rest] = fullKey.split(':');
    if (namespace !== CONFIG_NAMESPACE) continue;
    const key = rest.join(':');
    values[key] = textKeys.includes(key) ? raw : parseValue(raw);
  }
  return values;
}

/** Reads the `aks-platform:*` entries of Pulumi's flat config map ({@link configValuesFromPulumiConfig}) and validates them. */
export function stackConfigFromPulumiConfig(all: Record<string, string>): StackConfig {
  return parseStackConfig(configValuesFromPulumiConfig(all));
}

/** A validated stack configuration of either target. */
export type TargetConfig = { target: 'azure'; config: StackConfig } | { target: 'local'; config: LocalStackConfig };

/**
 * Validates configuration values of any target: `aks-platform:target` (default `azure`) says
 * which schema applies; throws {@link ConfigValidationError} naming the key, the value and what
 * is allowed (an Azure key in a local stack is an unknown key, listing the local ones).
 */
export function parseTargetConfig(values: Record<string, unknown>): TargetConfig {
  const target = stackTargetOf(values.target);
  if ('problem' in target) throw new ConfigValidationError([{ key: keyPath(['target']), message: target.problem }]);
  if (target.target === 'azure') return { target: 'azure', config: parseStackConfig(values) };
  const result = localStackConfigSchema.safeParse(values);
  if (!result.success) throw new ConfigValidationError(result.error.issues.flatMap((issue) => toProblem(issue, values, localStackConfigSchema)));
  return { target: 'local', config: result.data };
}

/** {@link parseTargetConfig} over Pulumi's flat config map ({@link configValuesFromPulumiConfig}; `target` is text too). */
export function targetConfigFromPulumiConfig(all: Record<string, string>): TargetConfig {
  return parseTargetConfig(configValuesFromPulumiConfig(all, [...TEXT_KEYS, 'target']));
}
