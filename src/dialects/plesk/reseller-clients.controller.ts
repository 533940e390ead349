import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClientLifecycleService } from '../../accounts/client-lifecycle.service';
import { Authenticated } from '../../auth/authenticated.decorator';
import { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { ClientQuery } from '../../clients/dto/client-query.dto';
import { ResellerCreateClientDto, ResellerUpdateClientDto } from './dto/reseller.dto';
import {
  ResellerClientCreatedView,
  ResellerClientDeletedEnvelope,
  ResellerClientDetailView,
  ResellerClientEnvelope,
  ResellerClientListEnvelope,
  ResellerClientView,
} from './dto/reseller.view';
import { ApiResellerErrors } from './plesk-error-docs';
import { PleskReferences } from './plesk-references';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

/**
 * The 0xhost reseller dialect for Plesk clients. `create` is 0xhost's (seed 004); list, get,
 * update, delete, suspend and unsuspend are Hostwright's extensions in the same verb-in-path
 * style (0xhost documents none). `{id}` is the client's UUID or its plesk_client_id.
 */
@ApiTags('Plesk reseller API')
@ApiResellerErrors(401, 403)
@RecordsEvents()
@Controller('API/plesk/clients')
export class ResellerClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly lifecycle: ClientLifecycleService,
    private readonly plesk: PleskReferences,
  ) {}

  @Post('create')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write'] })
  @ApiOperation({ summary: 'Create a Plesk client (0xhost; answers 200)' })
  @ApiOkResponse({ type: ResellerClientCreatedView })
  @ApiResellerErrors(409, 422)
  async create(@Body() body: ResellerCreateClientDto): Promise<ResellerClientCreatedView> {
    const client = await this.clients.create(body);
    return { success: true, message: 'Client created successfully', data: ResellerClientView.of(client) };
  }

  @Get()
  @Authenticated({ scopes: ['clients:read'] })
  @ApiOperation({ summary: 'List clients (extension; keyset pages: limit, cursor; filters login, external_id, status)' })
  @ApiOkResponse({ type: ResellerClientListEnvelope })
  @ApiResellerErrors(422)
  async list(@Query() query: ClientQuery): Promise<ResellerClientListEnvelope> {
    const page = await this.clients.list(query, ResellerClientDetailView.of);
    return { success: true, message: 'Clients retrieved successfully', data: page.data, meta: page.meta };
  }

  @Get(':id')
  @Authenticated({ scopes: ['clients:read'] })
  @ApiOperation({ summary: 'Get a client by UUID or plesk_client_id (extension)' })
  @ApiOkResponse({ type: ResellerClientEnvelope })
  @ApiResellerErrors(404)
  async get(@Param('id') id: string): Promise<ResellerClientEnvelope> {
    return this.answer('Client retrieved successfully', await this.plesk.client(id));
  }

  @Post(':id/update')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write'] })
  @ApiOperation({ summary: 'Change a client: any of name, login, email, password, company, external_id (extension)' })
  @ApiOkResponse({ type: ResellerClientEnvelope })
  @ApiResellerErrors(404, 409, 422)
  async update(@Param('id') id: string, @Body() body: ResellerUpdateClientDto): Promise<ResellerClientEnvelope> {
    const client = await this.plesk.client(id);
    return this.answer('Client updated successfully', await this.clients.update(client.id, body));
  }

  @Post(':id/delete')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: "Delete a client and deprovision its subscriptions (Plesk's semantics; extension)" })
  @ApiOkResponse({ type: ResellerClientDeletedEnvelope })
  @ApiResellerErrors(404, 409)
  async remove(@Param('id') id: string): Promise<ResellerClientDeletedEnvelope> {
    const client = await this.plesk.client(id);
    await this.lifecycle.remove(client.id, { cascade: true });
    return { success: true, message: 'Client deleted successfully', data: { id: client.guid, plesk_client_id: String(client.id) } };
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Suspend a client and its subscriptions; idempotent (extension)' })
  @ApiOkResponse({ type: ResellerClientEnvelope })
  @ApiResellerErrors(404)
  async suspend(@Param('id') id: string): Promise<ResellerClientEnvelope> {
    return this.answer('Client suspended successfully', await this.lifecycle.suspend((await this.plesk.client(id)).id));
  }

  @Post(':id/unsuspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['clients:write', 'accounts:write'] })
  @ApiOperation({ summary: 'Unsuspend a client and the subscriptions its suspension suspended; idempotent (extension)' })
  @ApiOkResponse({ type: ResellerClientEnvelope })
  @ApiResellerErrors(404)
  async unsuspend(@Param('id') id: string): Promise<ResellerClientEnvelope> {
    return this.answer('Client unsuspended successfully', await this.lifecycle.unsuspend((await this.plesk.client(id)).id));
  }

  private answer(message: string, client: Client): ResellerClientEnvelope {
    return { success: true, message, data: ResellerClientDetailView.of(client) };
  }
}
