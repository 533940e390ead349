import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import type * as AcmeClient from 'acme-client';
import { AppConfig } from '../../platform/config/app-config';

/** A new key and the chain the CA signed for it. */
export interface KeyAndChain {
  key: string;
  chain: string;
}

/** Writes and removes the HTTP-01 tokens where the account's vhost serves them. */
export interface ChallengeFiles {
  put(token: string, keyAuthorization: string): Promise<void>;
  remove(token: string): Promise<void>;
}

let acmeModule: Promise<typeof AcmeClient> | undefined;

/** acme-client, loaded on the first ACME call: it and the axios under it cost ≈150 ms of every start (CPU profile of a restart). */
function acmeClient(): Promise<typeof AcmeClient> {
  return (acmeModule ??= import('acme-client'));
}

/** The ACME account key under the agent's data dir (0600), made on first use. */
export function acmeAccountKeyPath(config: AppConfig): string {
  return join(config.dataDir, 'agent', 'acme-account.key');
}

/**
 * The ACME conversation, by acme-client (RFC 8555): account, order, HTTP-01 challenges, finalise
 * with a CSR for a fresh ECDSA key, download the chain. It runs in the agent, which keeps the
 * account key and makes the private keys, so neither ever crosses to the panel.
 */
export class AcmeIssuer {
  private accountKey: Promise<Buffer> | null = null;
  /** Trusts the private ACME server's CA (Pebble, an internal CA); read now, so a bad HW_ACME_CA_FILE stops the start. */
  private readonly httpsAgent: Agent | undefined;

  constructor(
    private readonly acme: AppConfig['acme'],
    private readonly accountKeyFile: string,
  ) {
    this.httpsAgent = acme.caFile ? new Agent({ ca: readFileSync(acme.caFile) }) : undefined;
  }

  /** acme-client with its one HTTP client set up: this CA trusted, a dead CA failed fast. */
  private async library(): Promise<typeof AcmeClient> {
    const acme = await acmeClient();
    if (this.httpsAgent) acme.axios.defaults.httpsAgent = this.httpsAgent;
    const settings = (acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number } }).acmeSettings;
    settings.retryMaxAttempts = 2;
    settings.retryDefaultDelay = 1;
    return acme;
  }

  async issue(names: string[], challenges: ChallengeFiles): Promise<KeyAndChain> {
    try {
      return await this.order(names, challenges);
    } catch (error) {
      // acme-client 5.4 loses a network error after its retries (a TypeError from its own interceptor): say what happened.
      if (error instanceof TypeError) throw new Error(`the ACME directory ${this.acme.directoryUrl} is unreachable: ${await this.probe()}`, { cause: error });
      throw error;
    }
  }

  /** Tells the CA the certificate is no longer used (DELETE …/certificate, account removal); the account key signs it. */
  async revoke(chain: string): Promise<void> {
    const { Client } = await this.library();
    const client = new Client({ directoryUrl: this.acme.directoryUrl, accountKey: await this.loadAccountKey(), backoffMin: 250, backoffMax: 10_000 });
    // Finds the existing account (its URL signs the revocation); acme-client then sends an empty update some CAs refuse: harmless.
    await client.createAccount({ termsOfServiceAgreed: true }).catch(() => client.getAccountUrl());
    await client.revokeCertificate(chain, { reason: 5 });
  }

  private probe(): Promise<string> {
    return new Promise((resolve) => {
      const req = httpsRequest(this.acme.directoryUrl, { agent: this.httpsAgent, timeout: 10_000 }, (res) => {
        res.resume();
        resolve(`it answered HTTP ${res.statusCode}`);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => resolve(error.message));
      req.end();
    });
  }

  private async order(names: string[], challenges: ChallengeFiles): Promise<KeyAndChain> {
    const { Client, crypto: acmeCrypto } = await this.library();
    const client = new Client({ directoryUrl: this.acme.directoryUrl, accountKey: await this.loadAccountKey(), backoffMin: 250, backoffMax: 10_000 });
    const [key, csr] = await acmeCrypto.createCsr({ commonName: names[0], altNames: names }, await acmeCrypto.createPrivateEcdsaKey());
    const chain = await client.auto({
      csr,
      ...(this.acme.email ? { email: this.acme.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // acme-client's own pre-check fetches http://name/ from here, which says nothing of what the CA reaches.
      skipChallengeVerification: true,
      challengeCreateFn: (_authz, challenge, keyAuthorization) => challenges.put(challenge.token, keyAuthorization),
      challengeRemoveFn: (_authz, challenge) => challenges.remove(challenge.token),
    });
    return { key: key.toString(), chain };
  }

  private loadAccountKey(): Promise<Buffer> {
    this.accountKey ??= this.readOrCreateKey().catch((error: unknown) => {
      this.accountKey = null;
      throw error;
    });
    return this.accountKey;
  }

  private async readOrCreateKey(): Promise<Buffer> {
    try {
      return await readFile(this.accountKeyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(dirname(this.accountKeyFile), { recursive: true, mode: 0o700 });
    const key = await (await this.library()).crypto.createPrivateEcdsaKey();
    try {
      await writeFile(this.accountKeyFile, key, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another issuance made it first: use that one.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(this.accountKeyFile);
      throw error;
    }
    await chmod(this.accountKeyFile, 0o600);
    return key;
  }
}
