import { accountPaths } from '../system/account-paths';
import { FileOps } from '../system/file-ops';
import { RenderFlags, TemplateName, TemplateRenderer } from '../system/template-renderer';
import { RemovalTarget } from '../../agent-protocol/safe-values';

/** The files of an account's certificate (server paths). */
export function certificateFiles(domain: string) {
  const live = accountPaths({ username: '-', domain, php_version: '0' }).certificateLive;
  return {
    key: `${live}/privkey.pem`,
    fullchain: `${live}/fullchain.pem`,
    cert: `${live}/cert.pem`,
    chain: `${live}/chain.pem`,
    /** Hostwright's record of the issuance (certbot keeps its renewal settings here): the vhost options. */
    record: `/etc/letsencrypt/renewal/${domain}.conf`,
  };
}

/** The vhost's TLS sections, read from what is installed: TLS once a key and chain are there, the redirect from the record. */
export async function tlsFlags(files: FileOps, domain: string): Promise<RenderFlags> {
  const f = certificateFiles(domain);
  const tls = (await files.exists(f.key)) && (await files.exists(f.fullchain));
  if (!tls) return { tls: false };
  const record = (await files.read(f.record)) ?? '';
  return { tls: true, redirect: /^redirect_http = yes$/m.test(record) };
}

export function certificateRecord(domain: string, redirectHttp: boolean, selfSigned: boolean): string {
  return [
    `# Managed by Hostwright for ${domain}; edits are overwritten.`,
    `redirect_http = ${redirectHttp ? 'yes' : 'no'}`,
    `self_signed = ${selfSigned ? 'yes' : 'no'}`,
    '',
  ].join('\n');
}

const SUSPENDED_MARK = '(suspended)';

/** Which vhost the account has now: the suspended one keeps serving 503 (over TLS too) while a certificate changes. */
export async function currentVhostTemplate(files: FileOps, target: RemovalTarget): Promise<TemplateName | null> {
  const vhost = await files.read(accountPaths(target).vhost);
  if (vhost === null) return null;
  return vhost.split('\n', 1)[0].includes(SUSPENDED_MARK) ? 'nginx-vhost-suspended.conf' : 'nginx-vhost.conf';
}

export function renderVhost(renderer: TemplateRenderer, template: TemplateName, target: RemovalTarget, flags: RenderFlags): string {
  return renderer.render(template, { username: target.username, domain: target.domain, php_version: target.php_version }, flags);
}
