/**
 * `npm run plan -- <stack> [--json] [--set key=value]... [--config-file path]`
 *
 * Runs the real Pulumi program with the stack's config under the offline
 * engine (no cloud credentials, no Pulumi CLI) and prints the resource tree,
 * the stack outputs (secrets masked), the policy findings of policy/rules.ts,
 * estimated monthly costs and the critical path.
 *
 * Exit codes: 0 ok (advisory findings allowed); 1 a mandatory policy finding
 * for this stack; 2 bad usage or invalid stack config; 3 the program failed.
 */
import type { Clock } from '../lib/aks-versions';
import { parsePlanArgs, UsageError } from './args';
import { planStack, PlanFailure } from './plan';
import { renderJson, renderText } from './render';

export const EXIT = { ok: 0, policy: 1, config: 2, program: 3 } as const;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the CLI; returns the exit code. `clock`: what the AKS version calendar is read with (tests inject a date). */
export async function main(argv: readonly string[], io: CliIo, clock?: Clock): Promise<number> {
  let args;
  try {
    args = parsePlanArgs(argv);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return EXIT.config;
  }
  try {
    const result = await planStack({ ...args, clock });
    io.stdout(args.json ? result.json : result.text);
    return result.plan.blocked ? EXIT.policy : EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n`);
      return EXIT.config;
    }
    if (err instanceof PlanFailure) {
      io.stderr(`${err.message}\n`);
      return err.kind === 'config' ? EXIT.config : EXIT.program;
    }
    throw err;
  }
}

export { renderJson, renderText };

if (require.main === module) {
  // A late failure inside the program must not exit 1, which means "policy violation".
  process.on('unhandledRejection', (reason: unknown) => {
    process.stderr.write(`plan failed: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}\n`);
    process.exit(EXIT.program);
  });
  main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      process.stderr.write(`plan failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = EXIT.program;
    });
}
