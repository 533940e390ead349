import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '../../accounts/accounts.service';
import { Authenticated } from '../../auth/authenticated.decorator';
import { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { checkDomain } from '../../agent-protocol/grammar';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorFieldNames } from '../../common/errors/error-field-names';
import { REST_V2_CREDENTIALS } from './basic-token.strategy';
import { RestDomainRequestDto, RestOwnerClientDto } from './dto/rest.dto';
import { RestCreatedView } from './dto/rest.view';
import { ApiRestV2Errors } from './plesk-error-docs';

const DOMAIN_FIELDS = {
  username: 'hosting_settings.ftp_login',
  password: 'hosting_settings.ftp_password',
  domain: 'name',
  package: 'plan.name',
  package_id: 'plan.name',
  client_id: 'owner_client',
};

/**
 * Plesk REST v2 `POST /api/v2/domains` with hosting_type virtual: a subscription, i.e. a
 * Hostwright account — name → domain, hosting_settings.ftp_login → username, ftp_password →
 * password, plan.name → package, owner_client → client (its email becomes the account's; an
 * account without owner gets webmaster@<domain>, the domain's ASCII form; a name that is not a
 * valid domain is refused on `name` alone).
 */
@ApiTags('Plesk REST v2')
@ApiRestV2Errors(401, 403)
@Controller('api/v2/domains')
export class RestDomainsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly clients: ClientsService,
  ) {}

  @Post()
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Create a hosted domain (subscription = account) → 201 {id, guid}' })
  @ApiCreatedResponse({ type: RestCreatedView })
  @ApiRestV2Errors(400)
  @ErrorFieldNames(DOMAIN_FIELDS)
  async create(@Body() body: RestDomainRequestDto): Promise<RestCreatedView> {
    const { ftp_login, ftp_password } = body.hosting_settings;
    const missing = [!ftp_login && 'hosting_settings.ftp_login', !ftp_password && 'hosting_settings.ftp_password'].filter((f): f is string => Boolean(f));
    if (missing.length) throw DomainError.validation(missing.map((field) => ({ field, message: `${field} is required for virtual hosting` })));
    const owner = body.owner_client ? await this.owner(body.owner_client) : null;
    const account = await this.accounts.create({
      username: ftp_login!,
      domain: body.name,
      email: owner?.email ?? `webmaster@${checkDomain(body.name).domain ?? 'invalid.invalid'}`,
      password: ftp_password!,
      package: body.plan.name,
      client_id: owner?.id ?? null,
    });
    return RestCreatedView.of(account);
  }

  /** owner_client names the client by any one of id, guid, login or external_id. */
  private async owner(ref: RestOwnerClientDto): Promise<Client> {
    const found =
      (ref.id !== undefined ? await this.clients.findById(ref.id) : null) ??
      (ref.guid ? await this.clients.findByGuid(ref.guid.toLowerCase()) : null) ??
      (ref.login ? await this.clients.findByLogin(ref.login) : null) ??
      (ref.external_id ? await this.clients.findByExternalId(ref.external_id) : null);
    if (!found) throw DomainError.field('owner_client', 'owner_client names no client (send its id, guid, login or external_id)');
    return found;
  }
}
