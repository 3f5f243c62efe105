/**
 * Microsoft's generated ARM models, loaded from the official `@azure/arm-*`
 * SDK packages (dev dependencies, one pinned major per service).
 *
 * Why these majors: the AutoRest-generated, `@azure/core-client`-based majors
 * ship `models/mappers` (the request body models: required flags, enums,
 * `constraints` such as Pattern, MinLength/MaxLength, InclusiveMinimum/Maximum)
 * and `models/parameters` (the URL parameters: resource names with their
 * patterns and lengths), and `createSerializer(mappers).serialize(...)`
 * enforces them. The newer TypeSpec-generated majors (`@azure-rest/core-client`)
 * only map fields, so each service is pinned to the last major that carries
 * constraint mappers. Nothing is copied from the specs into this repository.
 *
 * Older majors ship those modules only as ES modules (`dist-esm`), which Jest's
 * CommonJS runtime cannot require; they are turned into CommonJS in memory
 * (see {@link esmToCommonJs}).
 */
import { readFileSync, existsSync } from 'fs';
import * as path from 'path';
import type { Mapper } from '@azure/core-client';

/** One SDK package: where its models live and which ARM API version its operations send. */
export interface SdkService {
  /** npm package, e.g. `@azure/arm-containerservice`. */
  pkg: string;
  /** Folder of `models/mappers.js` and `models/parameters.js` inside the package. */
  modelsDir: string;
}

/** The pinned SDK packages (see package.json devDependencies for the exact versions). */
export const SDK_SERVICES = {
  containerservice: { pkg: '@azure/arm-containerservice', modelsDir: 'dist/commonjs/models' },
  network: { pkg: '@azure/arm-network', modelsDir: 'dist/commonjs/models' },
  privatedns: { pkg: '@azure/arm-privatedns', modelsDir: 'dist-esm/src/models' },
  containerregistry: { pkg: '@azure/arm-containerregistry', modelsDir: 'dist/commonjs/models' },
  postgresql: { pkg: '@azure/arm-postgresql-flexible', modelsDir: 'dist/commonjs/models' },
  redisenterprise: { pkg: '@azure/arm-redisenterprisecache', modelsDir: 'dist-esm/src/models' },
  keyvault: { pkg: '@azure/arm-keyvault', modelsDir: 'dist/commonjs/models' },
  msi: { pkg: '@azure/arm-msi', modelsDir: 'dist/commonjs/models' },
  authorization: { pkg: '@azure/arm-authorization', modelsDir: 'dist-esm/src/models' },
  operationalinsights: { pkg: '@azure/arm-operationalinsights', modelsDir: 'dist-esm/src/models' },
  resources: { pkg: '@azure/arm-resources', modelsDir: 'dist/commonjs/models' },
  monitor: { pkg: '@azure/arm-monitor', modelsDir: 'dist-esm/src/models' },
} as const satisfies Record<string, SdkService>;

export type SdkServiceName = keyof typeof SDK_SERVICES;

/** The loaded models of one service. */
export interface SdkModels {
  /** Installed package version. */
  version: string;
  /** Every model mapper by name (e.g. `ManagedCluster`). */
  mappers: Record<string, Mapper>;
  /** Every URL/query parameter by its export name (e.g. `resourceName`, `apiVersion`). */
  parameters: Record<string, { parameterPath: unknown; mapper: Mapper }>;
}

function packageRoot(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

const moduleCache = new Map<string, Record<string, unknown>>();

/** Loads a generated module: CommonJS as is, ES modules transpiled to CommonJS in memory. */
function loadGenerated(file: string): Record<string, unknown> {
  const resolved = [file, `${file}.js`].find((f) => existsSync(f) && f.endsWith('.js'));
  if (!resolved) throw new Error(`generated SDK module ${file} not found`);
  const cached = moduleCache.get(resolved);
  if (cached) return cached;
  const source = readFileSync(resolved, 'utf8');
  const isEsm = /^\s*(export|import)\s/m.test(source);
  const code = isEsm ? esmToCommonJs(source) : source;
  const exports: Record<string, unknown> = {};
  moduleCache.set(resolved, exports);
  const localRequire = (spec: string): unknown => (spec.startsWith('.') ? loadGenerated(path.resolve(path.dirname(resolved), spec.replace(/\.js$/, ''))) : require(spec));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('exports', 'require', 'module', code)(exports, localRequire, { exports });
  return exports;
}

/**
 * The generated model modules use two ES module forms only: `export const|let X =`
 * and one `import { A as B, ... } from "../models/mappers"`. Those are rewritten
 * directly (fast); anything else goes through the TypeScript compiler.
 */
function esmToCommonJs(source: string): string {
  const rewritten = source
    .replace(/^export (const|let) ([A-Za-z0-9_$]+) =/gm, '$1 $2 = exports.$2 =')
    .replace(/^import \{([^}]*)\} from ("[^"]+");/gm, (_m, names: string, from: string) => `const {${names.replace(/\s+as\s+/g, ': ')}} = require(${from});`);
  if (!/^\s*(export|import)\s/m.test(rewritten)) return rewritten;
  // Loaded only when needed: the compiler takes a second to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
}

const loaded = new Map<SdkServiceName, SdkModels>();

/** The models of one pinned service. */
export function sdkModels(service: SdkServiceName): SdkModels {
  const existing = loaded.get(service);
  if (existing) return existing;
  const { pkg, modelsDir } = SDK_SERVICES[service];
  const root = packageRoot(pkg);
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const mappers = loadGenerated(path.join(root, modelsDir, 'mappers')) as Record<string, Mapper>;
  const parameters = loadGenerated(path.join(root, modelsDir, 'parameters')) as SdkModels['parameters'];
  const models = { version, mappers, parameters };
  loaded.set(service, models);
  return models;
}

/**
 * The ARM API version an SDK operation group sends: the default of the
 * `api-version` parameter(s) in the package's parameters. A package whose
 * operation groups use several versions (authorization, monitor,
 * operationalinsights) lists them all; `hint` picks the one whose mapper
 * default appears in the name of the parameter export.
 */
export function sdkApiVersions(service: SdkServiceName): string[] {
  const { parameters } = sdkModels(service);
  const versions = Object.entries(parameters)
    .filter(([name, p]) => name.startsWith('apiVersion') && p && typeof p === 'object' && 'mapper' in p)
    .map(([, p]) => (p.mapper as { defaultValue?: string }).defaultValue)
    .filter((v): v is string => typeof v === 'string');
  return [...new Set(versions)];
}
