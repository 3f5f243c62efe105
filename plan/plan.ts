/**
 * The offline plan as a function: runs the real program for a stack under the
 * offline engine (offline/run-stack.ts), builds the plan and renders it with
 * every secret value redacted. The CLI (plan/cli.ts) and the tests call this.
 */
import { runStack } from '../offline/run-stack';
import type { Clock } from '../lib/aks-versions';
import { buildPlan, Plan, ProgramRun, redact, secretStrings } from './build';
import { renderJson, renderText } from './render';

export interface PlanStackOptions {
  stack: string;
  /** Config overrides, `namespace:key.path` → value (what `--set` gives). */
  overrides?: Record<string, unknown>;
  /** A config file other than `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** The clock the AKS version calendar is read with; default the system clock (tests inject a date). */
  clock?: Clock;
}

export interface PlanStackResult {
  plan: Plan;
  /** The text report, secrets redacted. */
  text: string;
  /** The JSON report, secrets redacted. */
  json: string;
  /** The recorded run (inputs may hold secrets: never print it). */
  run: ProgramRun;
}

/** Why the program did not produce a plan: `config` = invalid stack config (exit 2), `program` = anything else (exit 3). */
export class PlanFailure extends Error {
  constructor(
    readonly kind: 'config' | 'program',
    message: string,
  ) {
    super(message);
    this.name = 'PlanFailure';
  }
}

/** Redacts secrets from a built plan's renderings. */
export function renderPlan(plan: Plan, run: ProgramRun): { text: string; json: string } {
  const secrets = secretStrings(run);
  return { text: redact(renderText(plan), secrets), json: redact(renderJson(plan), secrets) };
}

/** Runs the program for a stack offline and returns the plan and its renderings. */
export async function planStack(options: PlanStackOptions): Promise<PlanStackResult> {
  let stackRun;
  // Errors raised inside Output callbacks (apply) surface as unhandled rejections, not as a rejected run.
  const asyncErrors: unknown[] = [];
  const onRejection = (reason: unknown) => {
    asyncErrors.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  try {
    stackRun = await runStack(options.stack, { overrides: options.overrides, configFile: options.configFile, clock: options.clock });
    // Let rejections of the last callbacks reach the handler.
    await new Promise((resolve) => setImmediate(resolve));
    if (asyncErrors.length > 0) throw asyncErrors[0];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The program raises RunError for what the user must fix in the stack config (no stack trace).
    if (isRunError(err) || /no stack config file/.test(message)) {
      throw new PlanFailure('config', `stack "${options.stack}": ${message}`);
    }
    throw new PlanFailure('program', `stack "${options.stack}": the program failed under the offline engine: ${message}`);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  const run: ProgramRun = { stack: stackRun.stack, resources: stackRun.recorder.resources, outputs: stackRun.outputs };
  const plan = buildPlan(run);
  return { plan, ...renderPlan(plan, run), run };
}

/**
 * `pulumi.RunError.isInstance` without loading the SDK (a plan read from the cache of offline
 * runs needs none): the SDK recognises a RunError by this member, across SDK copies.
 */
function isRunError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { __pulumiRunError?: unknown }).__pulumiRunError === true;
}
