import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { grants } from '../auth/scopes';
import { ClientsService } from '../clients/clients.service';
import { CreateClientDto, UpdateClientDto } from '../clients/dto/client.dto';
import { ClientQuery, DeleteClientQuery } from '../clients/dto/client-query.dto';
import { ClientView } from '../clients/dto/client.view';
import { ApiData, ApiPage } from '../common/api-data.decorator';
import { DomainError } from '../common/errors/domain-error';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page } from '../common/pagination';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { ClientLifecycleService } from './client-lifecycle.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

/** A status change or a cascading delete reaches the client's accounts, so it needs accounts:write too. */
function assertMayReachAccounts(caller: Principal | undefined): void {
  if (!grants(caller?.scopes ?? [], 'accounts:write')) throw new DomainError('forbidden', 'This token lacks the scope accounts:write');
}

/** The client routes live in the accounts feature: a client's status and its deletion reach its accounts (ClientLifecycleService). */
@ApiTags('Clients')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller(['api/v1/clients', 'api/clients'])
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly lifecycle: ClientLifecycleService,
  ) {}

  @Get()
  @Authenticated({ scopes: ['clients:read'] })
  @ApiOperation({ summary: 'List clients (keyset pages; filters status, login, external_id)' })
  @ApiPage(ClientView)
  @ApiErrors(422)
  list(@Query() query: ClientQuery): Promise<Page<ClientView>> {
    return this.clients.list(query);
  }

  @Post()
  @Authenticated({ scopes: ['clients:write'] })
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe create: the same key and body within 24 h replays the first answer' })
  @ApiOperation({ summary: 'Create a client (a customer who owns accounts)' })
  @ApiData(ClientView, 201)
  @ApiErrors(409, 422)
  async create(@Body() body: CreateClientDto): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.clients.create(body)) };
  }

  @Get(':id')
  @Authenticated({ scopes: ['clients:read'] })
  @ApiOperation({ summary: 'Get a client' })
  @ApiData(ClientView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.clients.get(id)) };
  }

  @Patch(':id')
  @Authenticated({ scopes: ['clients:write'] })
  @ApiOperation({
    summary: 'Change a client',
    description: '`status` suspends or unsuspends it as the suspend and unsuspend routes do (its accounts follow), so it needs `accounts:write` as well.',
  })
  @ApiData(ClientView)
  @ApiErrors(404, 409, 422, 503)
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateClientDto, @CurrentPrincipal() caller?: Principal): Promise<{ data: ClientView }> {
    if (body.status !== undefined) assertMayReachAccounts(caller);
    return { data: ClientView.of(await this.lifecycle.update(id, body)) };
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Suspend a client and its active accounts; idempotent (a repeat finishes what a failed attempt left)' })
  @ApiData(ClientView)
  @ApiErrors(404, 409, 503)
  async suspend(@Param('id', ParseIdPipe) id: number): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.lifecycle.suspend(id)) };
  }

  @Post(':id/unsuspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Unsuspend a client and the accounts its suspension suspended (not those suspended on their own); idempotent' })
  @ApiData(ClientView)
  @ApiErrors(404, 409, 503)
  async unsuspend(@Param('id', ParseIdPipe) id: number): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.lifecycle.unsuspend(id)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['clients:write'] })
  @ApiOperation({
    summary: 'Delete a client (409 while it owns accounts, unless cascade=true)',
    description:
      'With `?cascade=true` its accounts are deprovisioned and deleted first (as DELETE /api/v1/accounts/{id} does), then the client; that needs `accounts:write` as well.',
  })
  @ApiErrors(404, 409, 422, 503)
  async remove(@Param('id', ParseIdPipe) id: number, @Query() query: DeleteClientQuery, @CurrentPrincipal() caller?: Principal): Promise<void> {
    const cascade = query.cascade === 'true';
    if (cascade) assertMayReachAccounts(caller);
    await this.lifecycle.remove(id, { cascade });
  }
}
