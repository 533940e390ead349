import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { version } from '../../../package.json';
import { Account } from '../../accounts/account.entity';
import { AccountsService } from '../../accounts/accounts.service';
import { AccountStatusView } from '../../accounts/dto/account.view';
import { actorOf } from '../../accounts/suspensions/actor';
import { remainsSuspended } from '../../accounts/suspensions/suspension-types';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Authenticated } from '../../auth/authenticated.decorator';
import { DomainError } from '../../common/errors/domain-error';
import { PackagesService } from '../../packages/packages.service';
import { HostingPackage } from '../../packages/package.entity';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { UsageService } from '../../usage/usage.service';
import { OpteriusCreateDto, OpteriusLookupDto, OpteriusPackageDto, OpteriusPasswordDto, OpteriusSuspendDto, opteriusBody } from './dto/opterius.dto';
import { OpteriusOwners } from './opterius-owners';
import { OpteriusAnswer, OpteriusCreatedView, OpteriusTestView, OpteriusUsageView } from './opterius.view';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

/** Our field names as Opterius spells them, for the 422 details. */
const FIELD_NAMES = { email: 'client_email', external_id: 'whmcs_service_id', name: 'client_name' };

/**
 * Opterius Panel's shipped verb API (routes/api.php), for its WHMCS module: Bearer token, every
 * call a POST, the account named in the body by `username`, else by primary `domain`. Mapping
 * only: AccountsService, ClientsService (through OpteriusOwners), PackagesService and
 * UsageService do the work, with the same rules as the native API.
 */
@ApiTags('Opterius')
@ApiResponse({ status: 401, description: '{result: "error", message: "Invalid API key"}' })
@RecordsEvents()
@Controller('api/v1')
export class OpteriusController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly packages: PackagesService,
    private readonly owners: OpteriusOwners,
    private readonly usage: UsageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('test')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Opterius: connection test (any valid token)' })
  test(): OpteriusAnswer<OpteriusTestView> {
    return { result: 'success', message: 'Connection successful', data: { panel: 'Hostwright', version } };
  }

  @Post('accounts/create')
  @HttpCode(200)
  @Authenticated({ scopes: ['account.create'] })
  @ApiOperation({
    summary: 'Opterius: create an account (scope account.create)',
    description:
      '404 when the package name is unknown (the message lists the names); 409 when the username or domain already exists; 422 otherwise ' +
      '(the licence limit included). A repeated create with the same whmcs_service_id answers the first account and makes nothing.',
  })
  @ApiBody({ type: OpteriusCreateDto })
  async create(@Body() raw: unknown): Promise<OpteriusAnswer<OpteriusCreatedView>> {
    const body = await opteriusBody(OpteriusCreateDto, raw).catch(renamed);
    const externalId = body.whmcs_service_id === undefined ? null : String(body.whmcs_service_id);
    const retried = externalId === null ? null : await this.accounts.findByExternalId(externalId);
    if (retried) return this.created(retried);
    const pkg = await this.packageNamed(body.package);
    try {
      const owner = await this.owners.ownerFor({
        email: body.client_email,
        name: body.client_name,
        password: body.password,
        externalId: body.whmcs_client_id === undefined ? null : String(body.whmcs_client_id),
      });
      const { account } = await this.accounts.createOnce({
        username: body.username,
        domain: body.domain,
        email: body.client_email,
        password: body.password,
        package_id: pkg.id,
        client_id: owner.id,
        external_id: externalId,
        server_id: body.server_id,
        // Opterius' own order (reference §1.4): the key's pinned server before the body's server_id.
        pin_first: true,
      });
      return this.created(account);
    } catch (error) {
      throw createRefusal(error);
    }
  }

  @Post('accounts/suspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['account.suspend'] })
  @ApiOperation({ summary: 'Opterius: add the billing suspension (scope account.suspend); one already in force is a success too ("already suspended")' })
  @ApiBody({ type: OpteriusSuspendDto })
  async suspend(@Body() raw: unknown, @CurrentPrincipal() caller?: Principal): Promise<OpteriusAnswer> {
    const body = await opteriusBody(OpteriusSuspendDto, raw);
    const account = await this.find(body);
    const suspension = { type: 'billing', reason: body.reason || 'Suspended by billing system', actor: actorOf('opterius', caller) } as const;
    const { changed } = await this.accounts.ensureSuspended(account.id, suspension);
    return { result: 'success', message: changed ? 'Account suspended successfully' : 'Account already suspended' };
  }

  @Post('accounts/unsuspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['account.unsuspend'] })
  @ApiOperation({
    summary: 'Opterius: lift the billing suspension (scope account.unsuspend); an account already active is a success too',
    description: 'When another suspension (abuse, admin, client) remains, result "warning", message "Account remains suspended (abuse)", data the suspensions in force.',
  })
  @ApiBody({ type: OpteriusLookupDto })
  async unsuspend(@Body() raw: unknown): Promise<OpteriusAnswer> {
    const found = await this.find(await opteriusBody(OpteriusLookupDto, raw));
    const { account, changed } = await this.accounts.ensureLifted(found.id, { type: 'billing' });
    if (account.status !== 'active') {
      return { result: 'warning', message: remainsSuspended(account.suspensions ?? []), data: { suspensions: AccountStatusView.of(account).suspensions } };
    }
    return { result: 'success', message: changed ? 'Account unsuspended successfully' : 'Account already active' };
  }

  @Post('accounts/terminate')
  @HttpCode(200)
  @Authenticated({ scopes: ['account.terminate'] })
  @ApiOperation({ summary: 'Opterius: delete the account and everything it has on the server (scope account.terminate)' })
  @ApiBody({ type: OpteriusLookupDto })
  async terminate(@Body() raw: unknown): Promise<OpteriusAnswer> {
    const account = await this.find(await opteriusBody(OpteriusLookupDto, raw));
    await this.accounts.remove(account.id);
    return { result: 'success', message: 'Account terminated successfully' };
  }

  @Post('accounts/password')
  @HttpCode(200)
  @Authenticated({ scopes: ['account.password'] })
  @ApiOperation({ summary: "Opterius: change the account's password (scope account.password)" })
  @ApiBody({ type: OpteriusPasswordDto })
  async password(@Body() raw: unknown): Promise<OpteriusAnswer> {
    const body = await opteriusBody(OpteriusPasswordDto, raw);
    const account = await this.find(body);
    await this.accounts.update(account.id, { password: body.password });
    return { result: 'success', message: 'Password changed successfully' };
  }

  @Post('accounts/package')
  @HttpCode(200)
  @Authenticated({ scopes: ['account.package'] })
  @ApiOperation({ summary: "Opterius: change the account's package by name (scope account.package); 404 for an unknown name" })
  @ApiBody({ type: OpteriusPackageDto })
  async changePackage(@Body() raw: unknown): Promise<OpteriusAnswer> {
    const body = await opteriusBody(OpteriusPackageDto, raw);
    const account = await this.find(body);
    const pkg = await this.packageNamed(body.package);
    await this.accounts.update(account.id, { package_id: pkg.id });
    return { result: 'success', message: 'Package changed successfully' };
  }

  @Post('accounts/usage')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: "Opterius: one account's usage (any valid token): the measured figures of GET /api/v1/usage in MB, 0 before the first measurement" })
  @ApiBody({ type: OpteriusLookupDto })
  async accountUsage(@Body() raw: unknown): Promise<OpteriusAnswer<OpteriusUsageView>> {
    const account = await this.find(await opteriusBody(OpteriusLookupDto, raw));
    const u = await this.usage.of(account);
    return {
      result: 'success',
      message: 'Usage retrieved successfully',
      data: {
        username: account.username,
        domain: account.domain,
        suspended: account.status === 'suspended',
        disk_used_mb: u.diskUsedMb ?? 0,
        disk_limit: u.diskLimitMb ?? 0,
        bw_used_mb: u.bandwidthUsedMb ?? 0,
      },
    };
  }

  /** server_ip: the address of the server the account is on. */
  private created(account: Account): OpteriusAnswer<OpteriusCreatedView> {
    const serverIp = account.serverIpv4 ?? this.config.provisioning.serverIp;
    return {
      result: 'success',
      message: 'Account created successfully',
      data: { account_id: account.id, username: account.username, domain: account.domain, server_ip: serverIp },
    };
  }

  /** By `username` when sent, else by primary `domain`; else 404 "Account not found". */
  private async find(body: OpteriusLookupDto): Promise<Account> {
    const account = body.username ? await this.accounts.findByUsername(body.username) : body.domain ? await this.accounts.findByDomain(body.domain) : null;
    if (!account) throw DomainError.notFound('Account');
    return account;
  }

  /** The package of this exact name, else 404 naming the ones there are. */
  private async packageNamed(name: string): Promise<HostingPackage> {
    const pkg = await this.packages.findByName(name);
    if (pkg && pkg.name === name) return pkg;
    const names = (await this.packages.list()).map((p) => p.name);
    throw new DomainError('not_found', `Package '${name}' not found. Available packages: ${names.length ? names.join(', ') : 'none'}`);
  }
}

function renamed(error: unknown): never {
  throw error instanceof DomainError ? error.withFieldNames(FIELD_NAMES) : error;
}

/**
 * Opterius' create answers 409 only when its text says "already exists", 422 for every other
 * refusal: a taken username or domain is said that way; a state conflict becomes a 422.
 */
function createRefusal(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  if (error.code === 'no_server_available') return new DomainError('validation_failed', 'No available servers');
  if (error.code === 'validation_failed' && error.details?.some((d) => d.field === 'server_id' && d.message.endsWith('does not exist'))) {
    return DomainError.field('server_id', 'The selected server id is invalid.');
  }
  if (error.code === 'validation_failed') return error.withFieldNames(FIELD_NAMES);
  if (error.code !== 'conflict') return error;
  const field = error.details?.[0]?.field;
  if (field === 'username' || field === 'domain' || field === 'login') {
    return new DomainError('conflict', error.message.replace(/is already in use on this server$/, 'already exists'), { details: error.details });
  }
  if (/already exists/.test(error.message)) return error;
  return new DomainError('validation_failed', error.message);
}
