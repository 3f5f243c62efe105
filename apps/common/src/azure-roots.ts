/**
 * The root CAs Azure Database for PostgreSQL flexible server chains to, for PGSSLMODE=verify-full
 * (PGSSLROOTCERT). Microsoft Learn, "Secure connectivity with TLS in Azure Database for PostgreSQL",
 * Recommended configurations for TLS: the trusted root store must contain DigiCert Global Root G2
 * and Microsoft RSA Root CA 2017; the intermediate CAs rotate (from 2025-11-11, all regions from
 * 2026-01-19) while the roots stay the same, so only roots are trusted, never intermediates
 * (https://learn.microsoft.com/azure/postgresql/security/security-tls, checked 2026-12-01).
 *
 * The certificates are not pasted here: they are taken from Node's bundled root store (Mozilla's
 * CA list, `tls.rootCertificates`) and checked against their SHA-256 fingerprints. The images write
 * the bundle at build time (`node dist/azure-roots.js <file>`, see the api and agent Dockerfiles).
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** The two roots, by common name and SHA-256 fingerprint (as published by DigiCert and Microsoft PKI). */
export const AZURE_POSTGRES_ROOT_CAS = [
  { commonName: 'DigiCert Global Root G2', sha256: 'CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F' },
  { commonName: 'Microsoft RSA Root Certificate Authority 2017', sha256: 'C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0' },
] as const;

/** Where the api and agent images keep the bundle (the program sets PGSSLROOTCERT to it). */
export const AZURE_POSTGRES_ROOTS_PATH = '/app/certs/azure-postgres-roots.pem';

/** The PEM bundle of exactly the Azure PostgreSQL roots, picked out of `roots` (default: Node's bundled store). */
export function azurePostgresRootBundle(roots: readonly string[] = rootCertificates): string {
  const pems = AZURE_POSTGRES_ROOT_CAS.map((ca) => {
    const pem = roots.find((p) => new X509Certificate(p).fingerprint256 === ca.sha256);
    if (!pem) throw new Error(`root CA "${ca.commonName}" (SHA-256 ${ca.sha256}) is not in the root store`);
    const subject = new X509Certificate(pem).subject;
    if (!subject.split('\n').includes(`CN=${ca.commonName}`)) throw new Error(`certificate ${ca.sha256} is "${subject}", not "${ca.commonName}"`);
    return pem.trim();
  });
  return `${pems.join('\n')}\n`;
}

/** CLI: `node dist/azure-roots.js <file>` writes the bundle (image build). */
if (require.main === module) {
  const out = process.argv[2] ?? AZURE_POSTGRES_ROOTS_PATH;
  writeFileSync(out, azurePostgresRootBundle(), { mode: 0o444 });
  process.stdout.write(`${out}: ${AZURE_POSTGRES_ROOT_CAS.map((ca) => ca.commonName).join(', ')}\n`);
}
