import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '../../accounts/accounts.service';
import { ClientLifecycleService } from '../../accounts/client-lifecycle.service';
import { Authenticated } from '../../auth/authenticated.decorator';
import { ClientStatus } from '../../clients/client.entity';
import { ClientPatch, ClientsService } from '../../clients/clients.service';
import { AccountUsage, UsageService } from '../../usage/usage.service';
import { REST_V2_CREDENTIALS } from './basic-token.strategy';
import { RestClientRequestDto, RestClientUpdateDto } from './dto/rest.dto';
import { RestClientView, RestCreatedView, RestDomainView, RestStatisticsView, RestStatusView } from './dto/rest.view';
import { ApiRestV2Errors } from './plesk-error-docs';
import { PleskReferences } from './plesk-references';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

/** ClientRequest → the clients service's fields (status is handled apart: it reaches the accounts). */
function patchOf(body: RestClientUpdateDto): ClientPatch {
  const patch: ClientPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.login !== undefined) patch.login = body.login;
  if (body.email !== undefined) patch.email = body.email;
  if (body.password !== undefined) patch.password = body.password;
  if (body.company !== undefined) patch.company = body.company === '' ? null : body.company;
  if (body.external_id !== undefined) patch.external_id = body.external_id === '' ? null : body.external_id;
  if (body.description !== undefined) patch.description = body.description === '' ? null : body.description;
  return patch;
}

/** Plesk's status code → ours: 0 active, 16 suspended ("disabled by admin"); anything else changes nothing. */
function statusOf(code: number | null | undefined): ClientStatus | undefined {
  return code === 16 ? 'suspended' : code === 0 ? 'active' : undefined;
}

/**
 * Plesk REST v2 clients (`/api/v2/clients`), as real integrations call them: bare JSON, `{id,
 * guid}` on create/update/delete, `{status: "success"}` on suspend/activate, errors `{code,
 * message}` with 400 for any refused data. `{id}` is the numeric id (a guid works too).
 */
@ApiTags('Plesk REST v2')
@ApiRestV2Errors(401, 403)
@RecordsEvents()
@Controller('api/v2/clients')
export class RestClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
    private readonly lifecycle: ClientLifecycleService,
    private readonly plesk: PleskReferences,
    private readonly usage: UsageService,
  ) {}

  @Get()
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:read'] })
  @ApiOperation({ summary: 'All clients, a bare array (clients filter locally by email, login, external_id)' })
  @ApiOkResponse({ type: [RestClientView] })
  async list(): Promise<RestClientView[]> {
    const all: RestClientView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.clients.list({ limit: 100, cursor }, RestClientView.of);
      all.push(...page.data);
      cursor = page.meta.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  @Post()
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:write'] })
  @ApiOperation({ summary: 'Create a client → 201 {id, guid}; an existing login → 400' })
  @ApiCreatedResponse({ type: RestCreatedView })
  @ApiRestV2Errors(400)
  async create(@Body() body: RestClientRequestDto): Promise<RestCreatedView> {
    const input = {
      ...(patchOf(body) as Required<Pick<ClientPatch, 'name' | 'login' | 'email' | 'password'>>),
      status: body.status === 16 ? ('suspended' as const) : ('active' as const),
    };
    return RestCreatedView.of(await this.clients.create(input));
  }

  @Get(':id')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:read'] })
  @ApiOperation({ summary: 'A client' })
  @ApiOkResponse({ type: RestClientView })
  @ApiRestV2Errors(404)
  async get(@Param('id') id: string): Promise<RestClientView> {
    return RestClientView.of(await this.plesk.client(id));
  }

  @Put(':id')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Change a client (any subset; status 0/16 activates/suspends it with its domains) → {id, guid}' })
  @ApiOkResponse({ type: RestCreatedView })
  @ApiRestV2Errors(400, 404)
  async update(@Param('id') id: string, @Body() body: RestClientUpdateDto): Promise<RestCreatedView> {
    let client = await this.plesk.client(id);
    const patch = patchOf(body);
    if (Object.keys(patch).length) client = await this.clients.update(client.id, patch);
    const status = statusOf(body.status);
    if (status) client = await this.lifecycle.setStatus(client.id, status);
    return RestCreatedView.of(client);
  }

  @Delete(':id')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Delete a client; its domains (accounts) are deprovisioned first → {id, guid}' })
  @ApiOkResponse({ type: RestCreatedView })
  @ApiRestV2Errors(400, 404)
  async remove(@Param('id') id: string): Promise<RestCreatedView> {
    const client = await this.plesk.client(id);
    await this.lifecycle.remove(client.id, { cascade: true });
    return RestCreatedView.of(client);
  }

  @Put(':id/suspend')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Suspend a client and its domains; idempotent → {status: "success"}' })
  @ApiOkResponse({ type: RestStatusView })
  @ApiRestV2Errors(404)
  async suspend(@Param('id') id: string): Promise<RestStatusView> {
    await this.lifecycle.suspend((await this.plesk.client(id)).id);
    return { status: 'success' };
  }

  @Put(':id/activate')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Activate a client and the domains its suspension suspended; idempotent → {status: "success"}' })
  @ApiOkResponse({ type: RestStatusView })
  @ApiRestV2Errors(404)
  async activate(@Param('id') id: string): Promise<RestStatusView> {
    await this.lifecycle.unsuspend((await this.plesk.client(id)).id);
    return { status: 'success' };
  }

  @Get(':id/domains')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:read', 'accounts:read'] })
  @ApiOperation({ summary: "The client's domains (its accounts), a bare array of DomainResponse" })
  @ApiOkResponse({ type: [RestDomainView] })
  @ApiRestV2Errors(404)
  async domains(@Param('id') id: string): Promise<RestDomainView[]> {
    const client = await this.plesk.client(id);
    return (await this.accounts.ofClient(client.id)).map(RestDomainView.of);
  }

  @Get(':id/statistics')
  @Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['clients:read', 'accounts:read'] })
  @ApiOperation({ summary: "The client's ten counters: active domains, and disk and traffic in bytes summed over its accounts (0 while not measured)" })
  @ApiOkResponse({ type: RestStatisticsView })
  @ApiRestV2Errors(404)
  async statistics(@Param('id') id: string): Promise<RestStatisticsView> {
    const client = await this.plesk.client(id);
    const accounts = await this.accounts.ofClient(client.id);
    const usage = await Promise.all(accounts.map((a) => this.usage.of(a)));
    const bytes = (pick: (u: AccountUsage) => number | null) => usage.reduce((sum, u) => sum + Math.round((pick(u) ?? 0) * 1024 * 1024), 0);
    return {
      active_domains: accounts.filter((a) => a.status === 'active').length,
      subdomains: 0,
      disk_space: bytes((u) => u.diskUsedMb),
      email_postboxes: 0,
      email_redirects: 0,
      email_response_messages: 0,
      mailing_lists: 0,
      databases: 0,
      traffic: bytes((u) => u.bandwidthUsedMb),
      traffic_prevday: 0,
    };
  }
}
