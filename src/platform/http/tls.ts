import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

/** The operator's certificate, or a self-signed one made once under var/tls/. */
export async function loadTls(config: AppConfig): Promise<{ key: Buffer; cert: Buffer } | undefined> {
  if (!config.tls.enabled) return undefined;
  if (config.tls.certFile && config.tls.keyFile) {
    return { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  }
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Loaded only when a certificate is made: selfsigned and @peculiar/x509 cost ≈70 ms of every start.
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: hostname() }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 2, value: hostname() },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    } as never);
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
