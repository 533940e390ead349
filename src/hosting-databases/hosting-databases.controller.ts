import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiDataList } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateDatabaseDto, CreateDatabaseUserDto, UpdateDatabaseUserDto } from './dto/database.dto';
import { DatabaseUserView, DatabaseView } from './dto/database.view';
import { HostingDatabasesService } from './hosting-databases.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

/** An account's MariaDB databases and database users (`{username}_…`) on the hosting database server. */
@ApiTags('Databases')
@ApiErrors(401, 403, 404)
@RecordsEvents()
@Controller('api/v1/accounts/:id')
export class HostingDatabasesController {
  constructor(private readonly service: HostingDatabasesService) {}

  @Get('databases')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "List the account's databases and the users that may use each" })
  @ApiDataList(DatabaseView)
  async listDatabases(@Param('id', ParseIdPipe) id: number): Promise<{ data: DatabaseView[] }> {
    return { data: (await this.service.listDatabases(id)).map((d) => DatabaseView.of(d.database, d.users)) };
  }

  @Post('databases')
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Create a database',
    description: "403 package_limit_reached past the package's max_databases (0 = unlimited); 503 when no hosting database server is configured.",
  })
  @ApiData(DatabaseView, 201)
  @ApiErrors(409, 422, 503)
  async createDatabase(@Param('id', ParseIdPipe) id: number, @Body() body: CreateDatabaseDto): Promise<{ data: DatabaseView }> {
    return { data: DatabaseView.of(await this.service.createDatabase(id, body.name), []) };
  }

  @Delete('databases/:name')
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Drop a database (and every grant on it)' })
  @ApiErrors(409, 503)
  async dropDatabase(@Param('id', ParseIdPipe) id: number, @Param('name') name: string): Promise<void> {
    await this.service.dropDatabase(id, name);
  }

  @Get('database-users')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "List the account's database users and their databases" })
  @ApiDataList(DatabaseUserView)
  async listUsers(@Param('id', ParseIdPipe) id: number): Promise<{ data: DatabaseUserView[] }> {
    return { data: (await this.service.listUsers(id)).map((u) => DatabaseUserView.of(u.user, u.databases)) };
  }

  @Post('database-users')
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Create a database user',
    description: 'The user gets ALL PRIVILEGES on each of `databases` (databases of the same account only) and on nothing else. The password is never stored or echoed.',
  })
  @ApiData(DatabaseUserView, 201)
  @ApiErrors(409, 422, 503)
  async createUser(@Param('id', ParseIdPipe) id: number, @Body() body: CreateDatabaseUserDto): Promise<{ data: DatabaseUserView }> {
    const { user, databases } = await this.service.createUser(id, body);
    return { data: DatabaseUserView.of(user, databases) };
  }

  @Get('database-users/:name')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'Get a database user' })
  @ApiData(DatabaseUserView)
  async getUser(@Param('id', ParseIdPipe) id: number, @Param('name') name: string): Promise<{ data: DatabaseUserView }> {
    const { user, databases } = await this.service.getUser(id, name);
    return { data: DatabaseUserView.of(user, databases) };
  }

  @Patch('database-users/:name')
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: "Change a database user's password and/or its databases (`databases` replaces the whole set)" })
  @ApiData(DatabaseUserView)
  @ApiErrors(409, 422, 503)
  async updateUser(@Param('id', ParseIdPipe) id: number, @Param('name') name: string, @Body() body: UpdateDatabaseUserDto): Promise<{ data: DatabaseUserView }> {
    const { user, databases } = await this.service.updateUser(id, name, body);
    return { data: DatabaseUserView.of(user, databases) };
  }

  @Delete('database-users/:name')
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Drop a database user (its grants go with it)' })
  @ApiErrors(409, 503)
  async dropUser(@Param('id', ParseIdPipe) id: number, @Param('name') name: string): Promise<void> {
    await this.service.dropUser(id, name);
  }
}
