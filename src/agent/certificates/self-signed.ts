import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../system/command-runner';
import { KeyAndChain } from './acme-issuer';

/** The operator's explicit fallback (HW_CERTIFICATE_FALLBACK=self-signed): a 90-day self-signed ECDSA certificate for the names. */
export async function selfSignedCertificate(names: string[]): Promise<KeyAndChain> {
  const dir = await mkdtemp(join(tmpdir(), 'hostwright-selfsigned-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await runCommand([
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '90',
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    return { key: await readFile(key, 'utf8'), chain: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
