import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { nowToTheSecond } from '../common/whole-seconds';
import { AccountUsageView, UsageListView } from './usage.view';
import { UsageService } from './usage.service';

@ApiTags('Usage')
@ApiErrors(401, 403)
@Controller('api/v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({
    summary: "Every account's disk and traffic figures in one call (WHMCS UsageUpdate)",
    description: 'MiB. A null limit is unlimited; a null use is not measured (usage is not measured yet, so every use is null).',
  })
  @ApiData(UsageListView)
  async list(): Promise<{ data: UsageListView }> {
    const at = nowToTheSecond();
    const accounts = (await this.usage.all()).map((u) => AccountUsageView.of(u, at));
    const byId: Record<string, AccountUsageView> = {};
    const byExternalId: Record<string, AccountUsageView> = {};
    for (const row of accounts) {
      byId[String(row.id)] = row;
      if (row.external_id !== null) byExternalId[row.external_id] = row;
    }
    return { data: { accounts, by_id: byId, by_external_id: byExternalId } };
  }
}
