import * as path from 'path';
import { imageTagProblem, readGitSource, resolveImageTag } from '../lib/image-source';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('image tags', () => {
  test.each([
    ['v1.4.2', true],
    ['0123456789ab', true],
    ['release_2026-11-22', true],
    ['latest', false],
    ['-leading-dash', false],
    ['has space', false],
    ['a'.repeat(129), false],
    ['', false],
  ])('imageTagProblem(%j) ok=%s', (tag, ok) => {
    expect(imageTagProblem(tag) === undefined).toBe(ok);
  });

  test.each([
    [{ configuredTag: 'v2.0.0', git: { commit: SHA, commitTime: 1, dirty: false } }, 'v2.0.0'],
    [{ git: { commit: SHA, commitTime: 1, dirty: false } }, '0123456789ab'],
    [{ git: { commit: SHA, commitTime: 1, dirty: true } }, '0123456789ab-dirty'],
  ])('resolveImageTag(%j) = %s', (input, tag) => {
    expect(resolveImageTag(input)).toBe(tag);
  });

  test('errors name the config key', () => {
    expect(() => resolveImageTag({ configuredTag: 'latest' })).toThrow(/^apps\.imageTag: "latest" is not allowed/);
    expect(() => resolveImageTag({})).toThrow(/apps\.imageTag is not set and the git commit is unknown/);
    expect(() => resolveImageTag({ git: { commit: 'abc', commitTime: 1, dirty: false } })).toThrow(/40-hex/);
  });

  test('readGitSource reads this checkout, and undefined outside one', () => {
    const src = readGitSource(path.resolve(__dirname, '..'));
    expect(src?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(src?.commitTime).toBeGreaterThan(1_600_000_000);
    expect(readGitSource('/')).toBeUndefined();
  });
});
