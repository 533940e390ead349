import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiDataList } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreatePackageDto, UpdatePackageDto } from './dto/package.dto';
import { PackageView } from './dto/package.view';
import { PackageListDialects } from './package-list-dialect';
import { PackagesService } from './packages.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

@ApiTags('Packages')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller(['api/v1/packages', 'api/packages'])
export class PackagesController {
  constructor(
    private readonly packages: PackagesService,
    private readonly dialects: PackageListDialects,
  ) {}

  @Get()
  @Authenticated({ scopes: ['packages:read'] })
  @ApiOperation({ summary: 'List hosting packages' })
  @ApiDataList(PackageView)
  async list(@Req() request: FastifyRequest): Promise<{ data: PackageView[] } | object> {
    const dialect = this.dialects.for(request);
    if (dialect) return dialect.list();
    return { data: (await this.packages.list()).map(PackageView.of) };
  }

  @Get(':id')
  @Authenticated({ scopes: ['packages:read'] })
  @ApiOperation({ summary: 'Get a hosting package' })
  @ApiData(PackageView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: PackageView }> {
    return { data: PackageView.of(await this.packages.get(id)) };
  }

  @Post()
  @Authenticated({ scopes: ['packages:write'] })
  @ApiOperation({ summary: 'Create a hosting package' })
  @ApiData(PackageView, 201)
  @ApiErrors(409, 422)
  async create(@Body() body: CreatePackageDto): Promise<{ data: PackageView }> {
    return { data: PackageView.of(await this.packages.create(body)) };
  }

  @Patch(':id')
  @Authenticated({ scopes: ['packages:write'] })
  @ApiOperation({ summary: 'Change a hosting package' })
  @ApiData(PackageView)
  @ApiErrors(404, 409, 422)
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdatePackageDto): Promise<{ data: PackageView }> {
    return { data: PackageView.of(await this.packages.update(id, body)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['packages:write'] })
  @ApiOperation({ summary: 'Delete a hosting package (409 while an account uses it)' })
  @ApiErrors(404, 409)
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.packages.remove(id);
  }
}
