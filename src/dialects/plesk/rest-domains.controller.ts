import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { contactEmailFor } from '../../accounts/contact-email';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Account } from '../../accounts/account.entity';
import { AccountPatch } from '../../accounts/accounts.service';
import { AccountsService } from '../../accounts/accounts.service';
import { actorOf } from '../../accounts/suspensions/actor';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Authenticated } from '../../auth/authenticated.decorator';
import { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorFieldNames } from '../../common/errors/error-field-names';
import { PackagesService } from '../../packages/packages.service';
import { REST_V2_CREDENTIALS } from './basic-token.strategy';
import { RestDomainRequestDto, RestDomainStatusDto, RestDomainUpdateDto, RestOwnerClientDto } from './dto/rest.dto';
import { RestClientView, RestCreatedView, RestDomainStatusView, RestDomainView } from './dto/rest.view';
import { PleskReferences } from './plesk-references';
import { ApiRestV2Errors } from './plesk-error-docs';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

const DOMAIN_FIELDS = {
  username: 'hosting_settings.ftp_login',
  password: 'hosting_settings.ftp_password',
  domain: 'name',
  package: 'plan.name',
  package_id: 'plan.name',
  client_id: 'owner_client',
};

/** The reason of the `admin` suspension that remembers Plesk's `disabled` (as opposed to `suspended`). */
const DISABLED_REASON = 'disabled through Plesk REST';
const SUSPENDED_REASON = 'suspended through Plesk REST';

/** Our status → Plesk's DomainStatus: active, suspended, or disabled (suspended as disabled, or not in service: provisioning, deleting, failed). */
function domainStatusOf(a: Account): RestDomainStatusView['status'] {
  if (a.status === 'active') return 'active';
  if (a.status === 'suspended') return adminSuspension(a)?.reason === DISABLED_REASON ? 'disabled' : 'suspended';
  return 'disabled';
}

const adminSuspension = (a: Account) => a.suspensions?.find((s) => s.type === 'admin');

/**
 * Plesk REST v2 domains with hosting_type virtual: a subscription, i.e. a Hostwright account —
 * name → domain, hosting_settings.ftp_login → username, ftp_password → password, plan.name →
 * package (without plan: the default package, the first by id), owner_client → client (its email
 * becomes the account's; an account without owner gets webmaster@<domain>, the domain's ASCII
 * form; a name that is not a valid domain is refused on `name` alone). `{id}` is the
 * account's numeric id (its guid works too).
 */
@ApiTags('Plesk REST v2')
@ApiRestV2Errors(401, 403)
@RecordsEvents()
@Controller('api/v2/domains')
export class RestDomainsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly clients: ClientsService,
    private readonly packages: PackagesService,
    private readonly plesk: PleskReferences,
  ) {}

  @Get()
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'All domains (accounts), a bare array; ?name= the one with that name' })
  @ApiQuery({ name: 'name', required: false, example: 'example.org' })
  @ApiOkResponse({ type: [RestDomainView] })
  async list(@Query('name') name?: string): Promise<RestDomainView[]> {
    const all: RestDomainView[] = [];
    let cursor: string | undefined;
    const domain = typeof name === 'string' && name.trim() ? name.trim().toLowerCase() : undefined;
    do {
      const page = await this.accounts.list({ limit: 100, cursor, ...(domain ? { domain } : {}) }, RestDomainView.of);
      all.push(...page.data);
      cursor = page.meta.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

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
      email: contactEmailFor(owner, body.name),
      password: ftp_password!,
      ...(body.plan ? { package: body.plan.name } : { package_id: await this.defaultPackage() }),
      client_id: owner?.id ?? null,
      description: typeof body.description === 'string' ? body.description : null,
    });
    return RestCreatedView.of(account);
  }

  @Get(':id')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'A domain (account)' })
  @ApiOkResponse({ type: RestDomainView })
  @ApiRestV2Errors(404)
  async get(@Param('id') id: string): Promise<RestDomainView> {
    return RestDomainView.of(await this.plesk.account(id));
  }

  @Put(':id')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Change a domain: ftp_password, plan.name, owner_client (name and ftp_login cannot change) → {id, guid}' })
  @ApiOkResponse({ type: RestCreatedView })
  @ApiRestV2Errors(400, 404)
  @ErrorFieldNames(DOMAIN_FIELDS)
  async update(@Param('id') id: string, @Body() body: RestDomainUpdateDto): Promise<RestCreatedView> {
    const account = await this.plesk.account(id);
    const immutable: { field: string; message: string }[] = [];
    if (body.name !== undefined && body.name.trim().toLowerCase().replace(/\.$/, '') !== account.domain) {
      immutable.push({ field: 'name', message: 'name cannot be changed' });
    }
    if (body.hosting_settings?.ftp_login !== undefined && body.hosting_settings.ftp_login !== account.username) {
      immutable.push({ field: 'hosting_settings.ftp_login', message: 'hosting_settings.ftp_login cannot be changed' });
    }
    if (immutable.length) throw DomainError.validation(immutable);
    const patch: AccountPatch = {};
    if (body.hosting_settings?.ftp_password !== undefined) patch.password = body.hosting_settings.ftp_password;
    if (body.plan) patch.package = body.plan.name;
    if (typeof body.description === 'string') patch.description = body.description;
    if (body.owner_client) {
      const owner = await this.owner(body.owner_client);
      patch.client_id = owner.id;
      if (owner.email) patch.email = owner.email;
    }
    return RestCreatedView.of(Object.keys(patch).length ? await this.accounts.update(account.id, patch) : account);
  }

  @Delete(':id')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Delete a domain (deprovision the account) → {id, guid}' })
  @ApiOkResponse({ type: RestCreatedView })
  @ApiRestV2Errors(400, 404)
  async remove(@Param('id') id: string): Promise<RestCreatedView> {
    const account = await this.plesk.account(id);
    await this.accounts.remove(account.id);
    return RestCreatedView.of(account);
  }

  @Get(':id/client')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:read', 'clients:read'] })
  @ApiOperation({ summary: "The domain's owner; 404 when the account has none" })
  @ApiOkResponse({ type: RestClientView })
  @ApiRestV2Errors(404)
  async client(@Param('id') id: string): Promise<RestClientView> {
    const account = await this.plesk.account(id);
    const owner = account.clientId ? await this.clients.findById(account.clientId) : null;
    if (!owner) throw DomainError.notFound('Client');
    return RestClientView.of(owner);
  }

  @Get(':id/status')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'active, suspended or disabled' })
  @ApiOkResponse({ type: RestDomainStatusView })
  @ApiRestV2Errors(404)
  async status(@Param('id') id: string): Promise<RestDomainStatusView> {
    return { status: domainStatusOf(await this.plesk.account(id)) };
  }

  @Put(':id/status')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'suspended or disabled adds the admin suspension, active lifts it; idempotent → {status}',
    description: 'The answer is the status after the change: still suspended when another suspension (billing, abuse, client) remains.',
  })
  @ApiOkResponse({ type: RestDomainStatusView })
  @ApiRestV2Errors(400, 404)
  async setStatus(@Param('id') id: string, @Body() body: RestDomainStatusDto, @CurrentPrincipal() caller?: Principal): Promise<RestDomainStatusView> {
    let account = await this.plesk.account(id);
    const inService = account.status === 'active' || account.status === 'suspended';
    if (body.status === 'active') {
      if (inService && adminSuspension(account)) account = (await this.accounts.ensureLifted(account.id, { type: 'admin' })).account;
    } else if (inService && !adminSuspension(account)) {
      const reason = body.status === 'disabled' ? DISABLED_REASON : SUSPENDED_REASON;
      account = (await this.accounts.ensureSuspended(account.id, { type: 'admin', reason, actor: actorOf('plesk-rest', caller) })).account;
    }
    if (account.status !== 'active' && account.status !== 'suspended') {
      throw DomainError.conflict(`The domain's account is ${account.status}; its status cannot be changed now`);
    }
    return { status: domainStatusOf(await this.accounts.get(account.id)) };
  }

  /** The default package: the first by id (package 1 on a new install). */
  private async defaultPackage(): Promise<number> {
    const first = (await this.packages.list())[0];
    if (!first) throw DomainError.field('plan.name', 'plan is required: no package exists to default to');
    return first.id;
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
