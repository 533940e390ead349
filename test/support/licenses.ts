import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { reversedLabels } from '../../src/agent-protocol/grammar';
import { sqlNow } from '../../src/platform/database/columns';
import { LicensePayload, publicKeyOneLine, signLicense } from '../../src/license/license-file';

/** A vendor key pair for tests; `env` configures a panel to trust it. */
export class TestLicenseVendor {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.publicKey = pair.publicKey;
    this.privateKey = pair.privateKey;
  }

  get env(): Record<string, string> {
    return { HW_LICENSE_PUBLIC_KEY: publicKeyOneLine(this.publicKey) };
  }

  /** A signed licence file text; valid for a year unless overridden. */
  issue(overrides: Partial<LicensePayload> = {}): string {
    const payload: LicensePayload = {
      licensee: 'ACME Hosting',
      plan: 'pro',
      max_accounts: 100,
      issued_at: isoIn(-86_400_000),
      expires_at: isoIn(365 * 86_400_000),
      ...overrides,
    };
    return JSON.stringify(signLicense(payload, this.privateKey), null, 2);
  }

  expired(): string {
    return this.issue({ issued_at: isoIn(-10 * 86_400_000), expires_at: isoIn(-86_400_000) });
  }

  /** Signed, then the seat count raised: the signature no longer matches. */
  tampered(): string {
    const doc = JSON.parse(this.issue({ max_accounts: 10 }));
    doc.payload.max_accounts = 10_000;
    return JSON.stringify(doc);
  }
}

export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Inserts an accounts row as the accounts API does (package 1 exists from the platform migration). */
export async function insertAccount(em: EntityManager, username: string, status = 'provisioning'): Promise<void> {
  const now = sqlNow();
  await em.query(
    'INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [randomUUID(), username, `${username}.example.com`, reversedLabels(`${username}.example.com`), `${username}@example.com`, 'x', 1, status, '8.2', now, now],
  );
}
