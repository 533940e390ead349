import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiPage } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page, PageQuery } from '../common/pagination';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateServerDto, UpdateServerDto } from './dto/server.dto';
import { ServerView } from './dto/server.view';
import { ServersService } from './servers.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

@ApiTags('Servers')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller('api/v1/servers')
export class ServersController {
  constructor(private readonly servers: ServersService) {}

  @Get()
  @Authenticated({ scopes: ['servers:read'] })
  @ApiOperation({ summary: "List the fleet's servers with their accounts and the health probe's last answer" })
  @ApiPage(ServerView)
  list(@Query() query: PageQuery): Promise<Page<ServerView>> {
    return this.servers.list(query);
  }

  @Get(':id')
  @Authenticated({ scopes: ['servers:read'] })
  @ApiOperation({ summary: 'Get a server' })
  @ApiData(ServerView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: ServerView }> {
    return { data: await this.servers.get(id) };
  }

  @Post()
  @Authenticated({ scopes: ['servers:write'] })
  @ApiOperation({ summary: 'Add a server: its agent (URL and secret), addresses, nameservers, capacity' })
  @ApiData(ServerView, 201)
  @ApiErrors(409, 422)
  async create(@Body() body: CreateServerDto): Promise<{ data: ServerView }> {
    return { data: await this.servers.create(body) };
  }

  @Patch(':id')
  @Authenticated({ scopes: ['servers:write'] })
  @ApiOperation({ summary: 'Change a server (state "draining": it keeps its accounts and takes no new ones)' })
  @ApiData(ServerView)
  @ApiErrors(404, 409, 422)
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateServerDto): Promise<{ data: ServerView }> {
    return { data: await this.servers.update(id, body) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['servers:write'] })
  @ApiOperation({ summary: 'Delete a server (409 while it hosts accounts)' })
  @ApiErrors(404, 409)
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.servers.remove(id);
  }
}
