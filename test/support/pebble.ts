import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './spawn-server';
import { waitFor } from './wait-for';

/**
 * Debian's Pebble (an RFC 8555 test CA) on loopback ports, with its own HTTPS certificate signed by
 * a throwaway CA (`caFile`: what HW_ACME_CA_FILE trusts). HTTP-01 validations go to `httpPort`
 * (the stack's nginx) and names are resolved by `dnsServer`; validations are instant
 * (PEBBLE_VA_NOSLEEP), no nonce is rejected and no authorisation reused, so every issuance validates.
 */
export interface Pebble {
  directoryUrl: string;
  caFile: string;
  /** Pebble's issuing root (PEM), from its management interface. */
  root(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPebble(options: { httpPort: number; dnsServer: string }): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), 'tls-pebble-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=tls test pebble CA',
    '-keyout',
    caKey,
    '-out',
    caFile,
  );
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'csr.pem'),
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    join(dir, 'csr.pem'),
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    join(dir, 'ext.cnf'),
    '-out',
    join(dir, 'cert.pem'),
  );
  const [listen, management, tlsPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${listen}`,
        managementListenAddress: `127.0.0.1:${management}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort: options.httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const child: ChildProcess = spawn('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', options.dnsServer], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const ca = [execFileSync('cat', [caFile])];
  const get = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      request(url, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
  const directoryUrl = `https://127.0.0.1:${listen}/dir`;
  await waitFor(
    () =>
      get(directoryUrl).then(
        (r) => r.status === 200,
        () => false,
      ),
    `pebble to answer (${log})`,
  );
  return {
    directoryUrl,
    caFile,
    root: async () => (await get(`https://127.0.0.1:${management}/roots/0`)).body,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
