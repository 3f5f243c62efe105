/** The Azure PostgreSQL root bundle: exactly the two roots, from Node's bundled store, checked by fingerprint. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { rootCertificates } from 'node:tls';
import { AZURE_POSTGRES_ROOT_CAS, azurePostgresRootBundle } from '../src/azure-roots';
import { pgSsl } from '../src/db';
import { tempDir } from '../test-support/temp-dir';

function certificates(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
}

test('the bundle holds DigiCert Global Root G2 and Microsoft RSA Root CA 2017 and nothing else', () => {
  const certs = certificates(azurePostgresRootBundle());
  expect(certs.map((c) => [c.subject.split('\n').find((l) => l.startsWith('CN=')), c.fingerprint256, c.ca])).toEqual([
    ['CN=DigiCert Global Root G2', AZURE_POSTGRES_ROOT_CAS[0].sha256, true],
    ['CN=Microsoft RSA Root Certificate Authority 2017', AZURE_POSTGRES_ROOT_CAS[1].sha256, true],
  ]);
  // Self-signed roots, valid today.
  for (const c of certs) {
    expect(c.checkIssued(c)).toBe(true);
    expect(new Date(c.validTo).getTime()).toBeGreaterThan(Date.now());
  }
});

test('a store without one of the roots is refused with the root named', () => {
  const withoutMicrosoft = rootCertificates.filter((p) => new X509Certificate(p).fingerprint256 !== AZURE_POSTGRES_ROOT_CAS[1].sha256);
  expect(() => azurePostgresRootBundle(withoutMicrosoft)).toThrow('root CA "Microsoft RSA Root Certificate Authority 2017"');
});

test('the CLI writes the bundle the image points PGSSLROOTCERT at, and verify-full loads it', () => {
  const file = join(tempDir('roots-'), 'azure-postgres-roots.pem');
  // As the image runs it (`node apps/common/dist/azure-roots.js`): an environment of PATH alone, so no
  // NODE_EXTRA_CA_CERTS a machine sets (Node parses it at every start, and it never reaches
  // tls.rootCertificates), under npm start's require hook (SWC; tsx/cjs scans every dependency for
  // ESM). Measured 2026-12-01, three runs each: 0.20-0.26 CPU-s with tsx/cjs and the machine's
  // environment, 0.08-0.12 so (empty compile caches: 0.30-0.39 and 0.09-0.15).
  execFileSync(process.execPath, ['--require', join(__dirname, '../../../scripts/local/ts-hook.cjs'), join(__dirname, '../src/azure-roots.ts'), file], {
    stdio: 'pipe',
    env: { PATH: process.env.PATH },
  });
  expect(readFileSync(file, 'utf8')).toBe(azurePostgresRootBundle());
  expect(pgSsl({ host: 'db.postgres.database.azure.com', port: 5432, database: 'app', user: 'id-api', sslMode: 'verify-full', sslRootCert: file })).toEqual({
    rejectUnauthorized: true,
    servername: 'db.postgres.database.azure.com',
    ca: azurePostgresRootBundle(),
  });
});
