/**
 * Argument problems: the components collect every problem with their plain
 * arguments first and report them together, each naming the argument path.
 */
import * as pulumi from '@pulumi/pulumi';

/** A problem with one argument: its path (e.g. `subnets.nodes.addressPrefix`) and what is wrong / allowed. */
export interface ArgProblem {
  path: string;
  problem: string;
}

/** The message of the error a component throws: one line per problem, each prefixed with `args.<path>`. */
export function argProblemsMessage(component: string, name: string, problems: readonly ArgProblem[]): string {
  return `${component} "${name}" has invalid arguments:\n${problems.map((p) => `  - args.${p.path}: ${p.problem}`).join('\n')}`;
}

/**
 * The value of an argument when it is known while the program runs (a plain
 * value), else `undefined`: Outputs and promises are trusted, not validated.
 */
export function knownValue<T>(value: pulumi.Input<T> | undefined): T | undefined {
  if (value === undefined || pulumi.Output.isInstance(value) || value instanceof Promise) return undefined;
  return value as T;
}
