import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes.decorator';
import { ApiData, ApiPage } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page } from '../common/pagination';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { ClientsService } from './clients.service';
import { CreateClientDto, UpdateClientDto } from './dto/client.dto';
import { ClientQuery } from './dto/client-query.dto';
import { ClientView } from './dto/client.view';

@ApiTags('Clients')
@ApiErrors(401, 403)
@Controller(['api/v1/clients', 'api/clients'])
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  @Scopes('clients:read')
  @ApiOperation({ summary: 'List clients (keyset pages; filters status, login, external_id)' })
  @ApiPage(ClientView)
  @ApiErrors(422)
  list(@Query() query: ClientQuery): Promise<Page<ClientView>> {
    return this.clients.list(query);
  }

  @Post()
  @Scopes('clients:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe create: the same key and body within 24 h replays the first answer' })
  @ApiOperation({ summary: 'Create a client (a customer who owns accounts)' })
  @ApiData(ClientView, 201)
  @ApiErrors(409, 422)
  async create(@Body() body: CreateClientDto): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.clients.create(body)) };
  }

  @Get(':id')
  @Scopes('clients:read')
  @ApiOperation({ summary: 'Get a client' })
  @ApiData(ClientView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.clients.get(id)) };
  }

  @Patch(':id')
  @Scopes('clients:write')
  @ApiOperation({ summary: 'Change a client' })
  @ApiData(ClientView)
  @ApiErrors(404, 409, 422)
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateClientDto): Promise<{ data: ClientView }> {
    return { data: ClientView.of(await this.clients.update(id, body)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('clients:write')
  @ApiOperation({ summary: 'Delete a client (409 while it owns accounts)' })
  @ApiErrors(404, 409)
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.clients.remove(id);
  }
}
