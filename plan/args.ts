/**
 * Command line of the offline plan:
 *
 *   npm run plan -- <stack> [--json] [--set <namespace:key.path>=<value>]... [--config-file <path>]
 *
 * `--set` overrides one stack-config value before the program runs, with
 * Pulumi's `--path` syntax for the key (`aks-platform:registry.sku=Premium`);
 * the value is read as YAML, so `true`, `3`, `["1","2"]` and `{a: 1}` keep their types.
 */
import { parse as parseYaml } from 'yaml';

export interface PlanArgs {
  stack: string;
  json: boolean;
  overrides: Record<string, unknown>;
  configFile?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = 'usage: npm run plan -- <stack> [--json] [--set <namespace:key.path>=<value>]... [--config-file <Pulumi.stack.yaml>]';

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;
const CONFIG_KEY = /^[A-Za-z0-9_-]+:[A-Za-z0-9_.[\]-]+$/;

/** Parses one `--set` argument. */
export function parseOverride(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects <namespace:key.path>=<value>, got "${text}"`);
  const key = text.slice(0, eq);
  if (!CONFIG_KEY.test(key)) throw new UsageError(`--set key "${key}" is not <namespace>:<key.path>, e.g. aks-platform:registry.sku`);
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = raw === '' ? '' : parseYaml(raw);
  } catch (err) {
    throw new UsageError(`--set ${key}: value ${JSON.stringify(raw)} is not valid YAML (${(err as Error).message})`);
  }
  return [key, value];
}

/** Parses the plan's arguments (without `node` and the script). */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let stack: string | undefined;
  let json = false;
  let configFile: string | undefined;
  const overrides: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--set' || arg.startsWith('--set=')) {
      const value = arg === '--set' ? argv[++i] : arg.slice('--set='.length);
      if (value === undefined) throw new UsageError('--set needs <namespace:key.path>=<value>');
      const [key, parsed] = parseOverride(value);
      overrides[key] = parsed;
    } else if (arg === '--config-file') {
      configFile = argv[++i];
      if (configFile === undefined) throw new UsageError('--config-file needs a path');
    } else if (arg === '--help' || arg === '-h') {
      throw new UsageError(USAGE);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    } else if (stack === undefined) {
      if (!STACK_NAME.test(arg)) throw new UsageError(`stack name "${arg}" may contain only letters, digits, _, . and -`);
      stack = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}\n${USAGE}`);
    }
  }
  if (stack === undefined) throw new UsageError(`no stack given\n${USAGE}`);
  return { stack, json, overrides, configFile };
}
