/**
 * Which tag an image gets and which timestamp its build is pinned to. The tag is
 * a configured one (`apps.imageTag`) or the git commit; the commit time becomes
 * SOURCE_DATE_EPOCH so that BuildKit stamps the image with the commit time, not
 * the build time: with cached layers, unchanged sources keep their digest (no rollout).
 */
import { execFileSync } from 'child_process';

/** Docker tag grammar (at most 128 characters). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Problem with an image tag, or undefined. `latest` is refused: a tag must name one build. */
export function imageTagProblem(tag: string): string | undefined {
  if (!TAG.test(tag)) return `"${tag}" is not a Docker tag (letters, digits, _ . -; at most 128 characters; not starting with . or -)`;
  if (tag === 'latest') return '"latest" is not allowed: a tag must identify one build (use a version or the git commit)';
  return undefined;
}

/** Git facts of the working tree. */
export interface GitSource {
  /** Full commit SHA. */
  commit: string;
  /** Commit time, seconds since the epoch. */
  commitTime: number;
  /** True when tracked files have uncommitted changes. */
  dirty: boolean;
}

/**
 * The tag for the images: the configured tag when given, else the short commit,
 * suffixed `-dirty` when the tree has uncommitted changes (so a dirty build never
 * reuses the tag of a clean one).
 */
export function resolveImageTag(input: { configuredTag?: string; git?: GitSource }): string {
  if (input.configuredTag !== undefined) {
    const problem = imageTagProblem(input.configuredTag);
    if (problem) throw new Error(`apps.imageTag: ${problem}`);
    return input.configuredTag;
  }
  if (!input.git) throw new Error('apps.imageTag is not set and the git commit is unknown: set apps.imageTag or deploy from a git checkout');
  if (!/^[0-9a-f]{40}$/.test(input.git.commit)) throw new Error(`git commit "${input.git.commit}" is not a 40-hex SHA`);
  return `${input.git.commit.slice(0, 12)}${input.git.dirty ? '-dirty' : ''}`;
}

/** Reads the commit, its time and whether the tree is dirty; undefined outside a git checkout. */
export function readGitSource(repoRoot: string): GitSource | undefined {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    const commitTime = Number(git('log', '-1', '--format=%ct', 'HEAD'));
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return { commit, commitTime, dirty };
  } catch {
    return undefined;
  }
}
