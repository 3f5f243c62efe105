/**
 * `npm run lint:chart`: `helm lint --strict` and `helm template` of apps/chart for
 * every app and environment, with the values the program would pass (see
 * scripts/chart-fixtures.ts). Exits non-zero on the first failing case.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { chartDirectory } from '../lib/app-profiles';
import { ChartCase, chartCases } from './chart-fixtures';
import { HelmResult, runHelm } from './helm';

/** Writes a case's values to a temporary file and returns its path. */
export function writeValuesFile(c: ChartCase, dir: string): string {
  const file = path.join(dir, `${c.app}-${c.environment}.values.yaml`);
  fs.writeFileSync(file, YAML.stringify(c.values));
  return file;
}

/** `helm lint --strict` of one case. */
export function lintCase(c: ChartCase, valuesFile: string): HelmResult {
  return runHelm(['lint', '--strict', chartDirectory(), '--namespace', c.namespace, '-f', valuesFile]);
}

/** `helm template` of one case (release name = app, namespace = the app's). */
export function templateCase(c: ChartCase, valuesFile: string): HelmResult {
  return runHelm(['template', c.app, chartDirectory(), '--namespace', c.namespace, '-f', valuesFile]);
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-chart-'));
  let failed = 0;
  try {
    for (const c of chartCases()) {
      const file = writeValuesFile(c, dir);
      for (const [what, r] of [['lint --strict', lintCase(c, file)], ['template', templateCase(c, file)]] as const) {
        const ok = r.status === 0;
        console.log(`${ok ? 'ok  ' : 'FAIL'} helm ${what} ${c.app}/${c.environment}`);
        if (!ok) {
          failed += 1;
          console.error(r.stdout + r.stderr);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (failed > 0) {
    console.error(`${failed} chart check(s) failed`);
    process.exit(1);
  }
}

if (require.main === module) main();
