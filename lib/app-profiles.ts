/**
 * The per-app static facts of the workloads (port, Service port, probe paths,
 * UID, writable paths). Their single source is the chart's per-app values files,
 * apps/chart/values/<app>.yaml; this module finds and validates them so that the
 * values function (lib/app-values.ts) and the tests read the same numbers.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { z } from 'zod';

/** The apps the chart deploys, one release each. */
export const APP_NAMES = ['api', 'agent', 'frontend'] as const;
export type AppName = (typeof APP_NAMES)[number];

const port = z.number().int().min(1).max(65535);
const probe = z.object({ path: z.string().startsWith('/') }).passthrough();
const id = z.number().int().min(1, 'must be a non-root numeric id (>= 1)');

/** Schema of apps/chart/values/<app>.yaml (the fields the platform relies on). */
export const appProfileSchema = z
  .object({
    app: z.object({ name: z.enum(APP_NAMES), role: z.enum(APP_NAMES) }),
    containerPort: port,
    setPortEnv: z.boolean(),
    service: z.object({ port }),
    probes: z.object({ startup: probe, liveness: probe, readiness: probe }),
    podSecurity: z.object({ runAsUser: id, runAsGroup: id, fsGroup: id }),
    writablePaths: z.array(z.object({ name: z.string().min(1), mountPath: z.string().startsWith('/'), sizeLimit: z.string().min(1) })),
  })
  .passthrough();

export type AppProfile = z.infer<typeof appProfileSchema>;
export type AppProfiles = Record<AppName, AppProfile>;

/** Absolute path of the chart directory (apps/chart), found from this file upwards (works from lib/ and dist/lib/). */
export function chartDirectory(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, 'apps', 'chart', 'Chart.yaml');
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`apps/chart/Chart.yaml not found above ${start}`);
    dir = parent;
  }
}

/** Path of an app's values file inside the chart. */
export function appValuesFile(app: AppName, chartDir: string = chartDirectory()): string {
  return path.join(chartDir, 'values', `${app}.yaml`);
}

/** Parses and validates one profile; errors name the file and the field. */
export function parseAppProfile(app: AppName, text: string, source = `values/${app}.yaml`): AppProfile {
  const parsed = appProfileSchema.safeParse(YAML.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  if (parsed.data.app.name !== app) {
    throw new Error(`${source}: app.name is "${parsed.data.app.name}", expected "${app}"`);
  }
  return parsed.data;
}

/**
 * Profiles already parsed, by app and file text: a program run loads the three profiles for every
 * HelmApp (three per region), and an offline run server makes many runs in one process; YAML
 * and the schema were ~50 ms of each run (measured). A file that changes is parsed again.
 */
const parsedProfiles = new Map<string, AppProfile>();

/** Loads the three profiles from the chart; each call gets its own copy. */
export function loadAppProfiles(chartDir: string = chartDirectory()): AppProfiles {
  const entries = APP_NAMES.map((app) => {
    const text = fs.readFileSync(appValuesFile(app, chartDir), 'utf8');
    const key = `${app}\0${text}`;
    let parsed = parsedProfiles.get(key);
    if (!parsed) {
      parsed = parseAppProfile(app, text);
      parsedProfiles.set(key, parsed);
    }
    return [app, structuredClone(parsed)] as const;
  });
  return Object.fromEntries(entries) as AppProfiles;
}
