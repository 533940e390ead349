import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiDataList } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DnsRecordsService } from './dns-records.service';
import { CreateDnsRecordDto, UpdateDnsRecordDto } from './dto/dns-record.dto';
import { DnsRecordView } from './dto/dns-record.view';
import { RecordsEvents } from '../webhooks/outbox/event-context';

/** An account's DNS zone, record by record; PowerDNS answers every change at once, with the SOA serial raised. */
@ApiTags('DNS records')
@ApiErrors(401, 403, 404)
@RecordsEvents()
@Controller('api/v1/accounts/:id/dns/records')
export class DnsRecordsController {
  constructor(private readonly records: DnsRecordsService) {}

  @Get()
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "List the account's DNS records (SOA and apex NS included, marked protected; the SOA's data carries the serial)" })
  @ApiDataList(DnsRecordView)
  @ApiErrors(503)
  async list(@Param('id', ParseIdPipe) id: number): Promise<{ data: DnsRecordView[] }> {
    return { data: await this.records.list(id) };
  }

  @Post()
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Add a DNS record: A, AAAA, CNAME, MX, TXT, SRV, CAA, or NS below the apex',
    description:
      "422: a field fails its type's grammar, a CNAME or NS at the apex, a name inside another account's zone. " +
      "409: a CNAME beside other data (or data beside a CNAME), the same record twice, the package's record limit, an account that is not active or suspended.",
  })
  @ApiData(DnsRecordView, 201)
  @ApiErrors(409, 422, 503)
  async create(@Param('id', ParseIdPipe) id: number, @Body() body: CreateDnsRecordDto): Promise<{ data: DnsRecordView }> {
    return { data: await this.records.create(id, body) };
  }

  @Patch(':record')
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Change a record (name, ttl, data fields); the type stays. The apex SOA and NS are protected: 409' })
  @ApiData(DnsRecordView)
  @ApiErrors(409, 422, 503)
  async update(@Param('id', ParseIdPipe) id: number, @Param('record', ParseIdPipe) record: number, @Body() body: UpdateDnsRecordDto): Promise<{ data: DnsRecordView }> {
    return { data: await this.records.update(id, record, body) };
  }

  @Delete(':record')
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Delete a record; 204, no body. The apex SOA and NS are protected: 409' })
  @ApiErrors(409, 503)
  async remove(@Param('id', ParseIdPipe) id: number, @Param('record', ParseIdPipe) record: number): Promise<void> {
    await this.records.remove(id, record);
  }
}
