/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a
 * program: a flat map of `namespace:key` to text, structured values as JSON.
 * Secure values cannot be decrypted offline; they become recognisable
 * mock secrets.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { workerMemo } from '../apps/common/test-support/worker-store';
import { MOCK_SECRET_MARKER } from './recorded';

/** The repository root (where the Pulumi.*.yaml files live). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** A stack's config as the engine passes it, plus which keys are secret. */
export interface FlatStackConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

function hasSecure(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if ('secure' in (value as Record<string, unknown>)) return true;
  return Object.values(value as Record<string, unknown>).some(hasSecure);
}

function replaceSecure(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('secure' in (value as Record<string, unknown>)) return `${MOCK_SECRET_MARKER}config-${key}`;
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, key));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, replaceSecure(v, key)]));
}

/**
 * Flattens a parsed `config:` block. `overrides` use Pulumi's `--path` syntax
 * (`aks-platform:registry.sku`) and replace or add values before flattening.
 */
export function flattenStackConfig(config: Record<string, unknown>, overrides: Record<string, unknown> = {}): FlatStackConfig {
  const merged: Record<string, unknown> = structuredClone(config);
  for (const [pathKey, value] of Object.entries(overrides)) {
    const [top, ...rest] = pathKey.split('.');
    if (rest.length === 0) {
      merged[top] = value;
      continue;
    }
    let node = (merged[top] ??= {}) as Record<string, unknown>;
    rest.slice(0, -1).forEach((segment) => {
      node = (node[segment] ??= {}) as Record<string, unknown>;
    });
    node[rest[rest.length - 1]] = value;
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined) continue;
    if (hasSecure(value)) secretKeys.push(key);
    const plain = replaceSecure(value, key);
    values[key] = typeof plain === 'string' ? plain : JSON.stringify(plain);
  }
  return { values, secretKeys };
}

/** Reads and flattens `Pulumi.<stack>.yaml` from the repository root (or `file`). */
export function readStackConfig(stack: string, overrides: Record<string, unknown> = {}, file?: string): FlatStackConfig {
  const configPath = file ?? path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch {
    throw new Error(`no stack config file ${configPath}; stacks have a Pulumi.<stack>.yaml in the repository root`);
  }
  // Parsed once per jest worker for each file content (workerMemo: many test files, and many tests of a
  // file, read the same few Pulumi.<stack>.yaml; keyed by the text, so an edited file is parsed again).
  const doc = (workerMemo('yaml.parse', text, (t) => parse(t)) ?? {}) as { config?: Record<string, unknown> };
  return flattenStackConfig(doc.config ?? {}, overrides);
}
