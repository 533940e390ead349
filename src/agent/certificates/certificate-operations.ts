import { X509Certificate } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CertificateFailedError, CertificateRequest, IssuedCertificate, parseCertificateRequest } from '../../agent-protocol/certificates';
import { describeError } from '../../agent-protocol/agent-errors';
import { RemovalTarget } from '../../agent-protocol/safe-values';
import { accountPaths } from '../system/account-paths';
import { FileOps } from '../system/file-ops';
import { KeyedMutex } from '../system/keyed-mutex';
import { ReloadCoalescer } from '../system/reload-coalescer';
import { TemplateRenderer } from '../system/template-renderer';
import { AcmeIssuer, ChallengeFiles, KeyAndChain } from './acme-issuer';
import { selfSignedCertificate } from './self-signed';
import { certificateFiles, certificateRecord, currentVhostTemplate, renderVhost, tlsFlags } from './tls-files';

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

interface Saved {
  path: string;
  content: string | null;
  mode: number;
}

/**
 * The agent's certificate operations, one at a time per domain. An issue runs the ACME
 * conversation first, with the tokens served by the account's own vhost; only with a signed chain in
 * hand does it write the key, the chain and a vhost with the TLS side, then `nginx -t` and a reload
 * through the coalescer. Any failure puts every file back as it was (and reloads again when a reload
 * may have seen them), so the account serves exactly as before; the reason travels back.
 */
export class CertificateOperations {
  private readonly logger = new Logger('Certificates');
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly files: FileOps,
    private readonly renderer: TemplateRenderer,
    private readonly reloads: ReloadCoalescer,
    private readonly issuer: AcmeIssuer,
    private readonly fallback: 'none' | 'self-signed',
  ) {}

  run(input: unknown): Promise<IssuedCertificate | null> {
    const request = parseCertificateRequest(input);
    return this.locks.run(request.target.domain, () => (request.action === 'issue' ? this.issue(request) : this.remove(request.target)));
  }

  private async issue(request: CertificateRequest): Promise<IssuedCertificate> {
    const { target } = request;
    const template = await currentVhostTemplate(this.files, target);
    if (!template) throw new CertificateFailedError('the account has no vhost on this server');
    const names = [target.domain, `www.${target.domain}`];
    // An account made before certificates existed gets the challenge path first (its vhost as it is, plus the path).
    const current = renderVhost(this.renderer, template, target, await tlsFlags(this.files, target.domain));
    if ((await this.files.read(accountPaths(target).vhost)) !== current) await this.swap(target, [], current);
    let made: KeyAndChain;
    let acmeError: string | undefined;
    try {
      made = await this.issuer.issue(names, this.challengeFiles(target));
    } catch (error) {
      acmeError = `ACME: ${describeError(error).slice(0, 480)}`;
      if (this.fallback !== 'self-signed') throw new CertificateFailedError(acmeError);
      this.logger.warn(`${target.domain}: ${acmeError}; installing a self-signed certificate (HW_CERTIFICATE_FALLBACK=self-signed)`);
      made = await selfSignedCertificate(names);
    }
    const info = describeCertificate(made.chain, acmeError);
    const f = certificateFiles(target.domain);
    const [leaf, ...intermediates] = splitPem(made.chain);
    const redirect = request.redirect_http === true;
    const writes: [string, string, number][] = [
      [f.key, made.key, 0o600],
      [f.fullchain, made.chain, 0o644],
      [f.cert, leaf, 0o644],
      [f.chain, intermediates.join(''), 0o644],
      [f.record, certificateRecord(target.domain, redirect, info.self_signed), 0o644],
    ];
    await this.swap(target, writes, renderVhost(this.renderer, template, target, { tls: true, redirect }));
    return info;
  }

  private async remove(target: RemovalTarget): Promise<null> {
    const template = await currentVhostTemplate(this.files, target);
    if (template && (await tlsFlags(this.files, target.domain)).tls) await this.swap(target, [], renderVhost(this.renderer, template, target, { tls: false }));
    await this.revoke(target.domain);
    const p = accountPaths(target);
    for (const dir of p.certificateDirs) await this.files.removeTree(dir);
    await this.files.removeFile(p.certificateRenewal);
    return null;
  }

  /** A CA-issued certificate is revoked before its files go (cessationOfOperation); a CA that refuses or is down does not stop the removal. */
  private async revoke(domain: string): Promise<void> {
    const f = certificateFiles(domain);
    const chain = await this.files.read(f.fullchain);
    if (!chain || /^self_signed = yes$/m.test((await this.files.read(f.record)) ?? '')) return;
    await this.issuer.revoke(chain).catch((error: unknown) => this.logger.warn(`${domain}: revocation failed, the files are removed anyway: ${describeError(error)}`));
  }

  /** Writes the files and the vhost, tests and reloads nginx; on any failure puts all of it back. */
  private async swap(target: RemovalTarget, writes: [string, string, number][], vhost: string): Promise<void> {
    const vhostPath = accountPaths(target).vhost;
    const saved: Saved[] = [];
    for (const [path] of [...writes, [vhostPath]]) saved.push(await this.save(path));
    const live = accountPaths(target).certificateLive;
    const liveExisted = await this.files.exists(live);
    try {
      await this.reloads.editing(async () => {
        if (writes.length) await this.files.mkdir(live, 0o700);
        for (const [path, content, mode] of writes) await this.files.writeAtomic(path, content, mode);
        await this.files.writeAtomic(vhostPath, vhost);
      });
      await this.reload(vhostPath);
    } catch (error) {
      await this.reloads
        .editing(async () => {
          await this.restore(saved);
          if (!liveExisted) await this.files.removeTree(live);
        })
        .catch((restoreError: unknown) => this.logger.error(`${target.domain}: restore failed: ${describeError(restoreError)}`));
      await this.reloads.request().catch(() => undefined);
      throw new CertificateFailedError(`nginx did not take the new vhost, everything was put back: ${describeError(error).slice(0, 480)}`);
    }
  }

  private async reload(vhostPath: string): Promise<void> {
    const ticket = this.reloads.hold([{ path: this.files.path(vhostPath), service: 'nginx' }], ['nginx']);
    try {
      ticket.release();
      await this.reloads.request(ticket);
    } finally {
      ticket.end();
    }
  }

  private async save(path: string): Promise<Saved> {
    const content = await this.files.read(path);
    return { path, content, mode: path.endsWith('privkey.pem') ? 0o600 : 0o644 };
  }

  private async restore(saved: Saved[]): Promise<void> {
    for (const s of saved) {
      if (s.content === null) await this.files.removeFile(s.path);
      else await this.files.writeAtomic(s.path, s.content, s.mode);
    }
  }

  private challengeFiles(target: RemovalTarget): ChallengeFiles {
    const dir = accountPaths(target).acmeChallengeDir;
    const path = (token: string) => {
      if (!TOKEN.test(token)) throw new Error('the ACME server sent a token that is not base64url');
      return `${dir}/${token}`;
    };
    return {
      put: async (token, keyAuthorization) => {
        await this.files.mkdir(dir, 0o755);
        await this.files.writeAtomic(path(token), keyAuthorization, 0o644);
      },
      remove: (token) => this.files.removeFile(path(token)),
    };
  }
}

function splitPem(chain: string): string[] {
  return chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)) ?? [];
}

/** What GET …/certificate shows, read from the leaf the CA signed. */
export function describeCertificate(chain: string, acmeError?: string): IssuedCertificate {
  const leaf = new X509Certificate(splitPem(chain)[0] ?? chain);
  const names = (leaf.subjectAltName ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4));
  return {
    issuer: leaf.issuer.replace(/\n/g, ', '),
    names,
    serial: leaf.serialNumber.toLowerCase(),
    not_before: new Date(leaf.validFrom).toISOString(),
    not_after: new Date(leaf.validTo).toISOString(),
    self_signed: acmeError !== undefined,
    ...(acmeError !== undefined ? { acme_error: acmeError } : {}),
  };
}
