/** SSH public keys made with ssh-keygen for the tests (test/fixtures/ssh; their private halves were discarded). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The public key line of a fixture: `ed25519`, `rsa3072`, `rsa1024`, `ecdsa`. */
export function testSshKey(name: 'ed25519' | 'rsa3072' | 'rsa1024' | 'ecdsa'): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'ssh', `${name}.pub`), 'utf8');
}
