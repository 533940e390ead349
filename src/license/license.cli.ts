import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliCommand, CliUsageError, requireFlag } from '../cli/cli-command';
import { isoUtc } from '../common/dates';
import { LicensePayload, signLicense } from './license-file';
import { LicenseService } from './license.service';

export const PRIVATE_KEY_FILE = 'license-private.pem';
export const PUBLIC_KEY_FILE = 'license-public.pem';

/** `2027-12-31` → the end of that day, UTC; a full ISO date-time is kept as given. */
function parseExpiry(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new CliUsageError('--expires must be a date (2027-12-31) or an ISO date-time');
  return isoUtc(date)!;
}

export const licenseCommands: CliCommand[] = [
  {
    name: 'license:keygen',
    usage: 'license:keygen [--out dir] [--force]',
    needsApp: false,
    async run(args, _app, out) {
      const dir = resolve(args.flags.out && args.flags.out !== 'true' ? args.flags.out : '.');
      const privatePath = join(dir, PRIVATE_KEY_FILE);
      if (existsSync(privatePath) && args.flags.force !== 'true') throw new CliUsageError(`${privatePath} exists; pass --force to replace it`);
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      mkdirSync(dir, { recursive: true });
      writeFileSync(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      writeFileSync(join(dir, PUBLIC_KEY_FILE), publicKey.export({ format: 'pem', type: 'spki' }));
      out(`Wrote ${privatePath} (keep it secret: it signs licences) and ${join(dir, PUBLIC_KEY_FILE)}.`);
      out('Give panels this public key:');
      out(`HW_LICENSE_PUBLIC_KEY=${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`);
    },
  },
  {
    name: 'license:issue',
    usage: 'license:issue --key private.pem --licensee "ACME" --plan pro --max-accounts 100 --expires 2027-12-31 [--server-id X] [--out file]',
    needsApp: false,
    async run(args, _app, out) {
      const keyText = readFileSync(requireFlag(args, 'key'), 'utf8');
      const maxAccounts = requireFlag(args, 'max-accounts');
      if (!/^\d+$/.test(maxAccounts)) throw new CliUsageError('--max-accounts must be a whole number (0: unlimited)');
      const payload: LicensePayload = {
        licensee: requireFlag(args, 'licensee'),
        plan: requireFlag(args, 'plan'),
        max_accounts: Number(maxAccounts),
        issued_at: args.flags.issued ? parseExpiry(args.flags.issued) : isoUtc(new Date())!,
        expires_at: parseExpiry(requireFlag(args, 'expires')),
        ...(args.flags['server-id'] ? { server_id: requireFlag(args, 'server-id') } : {}),
      };
      let text: string;
      try {
        text = `${JSON.stringify(signLicense(payload, createPrivateKey(keyText)), null, 2)}\n`;
      } catch (error) {
        throw new CliUsageError((error as Error).message);
      }
      if (args.flags.out && args.flags.out !== 'true') {
        writeFileSync(args.flags.out, text);
        out(`Wrote ${resolve(args.flags.out)}: ${payload.plan}, ${payload.max_accounts || 'unlimited'} accounts, until ${payload.expires_at}`);
      } else out(text.trimEnd());
    },
  },
  {
    name: 'license:show',
    usage: 'license:show',
    needsApp: true,
    async run(_args, app, out) {
      const license = app!.get(LicenseService);
      const s = license.status();
      const used = await license.accountsUsed();
      out(`status:        ${s.status}`);
      out(`plan:          ${s.plan ?? '-'}`);
      out(`licensee:      ${s.licensee ?? '-'}`);
      out(`accounts:      ${used} of ${s.maxAccounts === null ? '-' : s.maxAccounts === 0 ? 'unlimited' : s.maxAccounts}`);
      out(`expires_at:    ${isoUtc(s.expiresAt) ?? '-'}`);
      if (s.reason) out(`reason:        ${s.reason}`);
    },
  },
];
