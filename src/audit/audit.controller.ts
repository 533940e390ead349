import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiPage } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page } from '../common/pagination';
import { AuditService } from './audit.service';
import { AuditQuery } from './dto/audit-query.dto';
import { AuditEntryView } from './dto/audit-entry.view';

@ApiTags('Audit')
@ApiErrors(401, 403)
@Authenticated({ scopes: ['tokens:admin'] })
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log: every write with its token, route, target and result, oldest first' })
  @ApiPage(AuditEntryView)
  @ApiErrors(422)
  list(@Query() query: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.audit.list(query);
  }
}
