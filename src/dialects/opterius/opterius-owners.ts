import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { DomainError } from '../../common/errors/domain-error';

export interface OwnerInput {
  email: string;
  name: string;
  password: string;
  /** WHMCS' client id. */
  externalId: string | null;
}

/**
 * The owning client of an Opterius create, as Opterius decides it: the client with this WHMCS
 * client id, else the one with this email, else a new one (name and password from the create).
 * The rows and their rules are ClientsService's; this only picks which call to make.
 */
@Injectable()
export class OpteriusOwners {
  constructor(private readonly clients: ClientsService) {}

  async ownerFor(input: OwnerInput): Promise<Client> {
    const known = (input.externalId !== null ? await this.clients.findByExternalId(input.externalId) : null) ?? (await this.clients.findByEmail(input.email));
    if (known) {
      if (input.externalId !== null && known.externalId === null) return this.clients.update(known.id, { external_id: input.externalId });
      return known;
    }
    const base = loginFrom(input.email);
    for (let attempt = 0; ; attempt++) {
      const login = attempt === 0 ? base : `${base.slice(0, 56)}-${randomBytes(3).toString('hex')}`;
      try {
        return await this.clients.create({ name: input.name, login, email: input.email, password: input.password, external_id: input.externalId });
      } catch (error) {
        const loginTaken = error instanceof DomainError && error.code === 'conflict' && error.details?.[0]?.field === 'login';
        if (!loginTaken || attempt >= 3) throw error;
        // A racing create for the same client may have just made it.
        const raced = input.externalId !== null ? await this.clients.findByExternalId(input.externalId) : await this.clients.findByEmail(input.email);
        if (raced) return raced;
      }
    }
  }
}

/** A client login from the email's local part: 3–64 of letters, digits, dot, dash, underscore. */
function loginFrom(email: string): string {
  const local = email
    .split('@')[0]
    .replace(/[^A-Za-z0-9._-]/g, '')
    .slice(0, 64);
  return local.length >= 3 ? local : `client-${local}`.slice(0, 64);
}
