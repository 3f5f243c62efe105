/**
 * A test file's runs of the component builds in a module of ./builds/ (offline/run-stack.ts,
 * `build`): each made once per jest run, on the program-run server, and cached with its runs.
 */
import { runStack, type ComponentBuilds, type StackRun } from '../../offline/run-stack';

/**
 * Asks for every build of `builds` (exported by `module`, a path from the repository root) in one
 * `beforeAll` when the file starts, and returns the runs by name. The server makes runs one after
 * another and may have other files' to make first: hence the 60 s timeout.
 */
export function buildRuns<B extends ComponentBuilds>(stack: string, module: string, builds: B): (name: keyof B & string) => StackRun {
  const runs = new Map<string, StackRun>();
  beforeAll(async () => {
    const names = Object.keys(builds);
    const made = await Promise.all(names.map((name) => runStack(stack, { build: { module, name } })));
    names.forEach((name, i) => runs.set(name, made[i]));
  }, 60_000);
  return (name) => {
    const run = runs.get(name);
    if (!run) throw new Error(`${module}'s build "${name}" is read before the file's first beforeAll made it`);
    return run;
  };
}
