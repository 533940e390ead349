import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsRepository } from '../accounts/accounts.repository';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { DomainError } from '../common/errors/domain-error';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { nowToTheSecond } from '../common/whole-seconds';
import { AccountUsageView, UsageListView } from './usage.view';
import { UsageService } from './usage.service';

const FIGURES =
  'MiB (used: rounded up) and exact bytes. A null limit is unlimited; a null use is not measured yet. Disk is measured and traffic read from the ' +
  'access logs by scheduled jobs (HW_USAGE_DISK_INTERVAL, HW_USAGE_TRAFFIC_INTERVAL); each figure says when. Bandwidth counts the current UTC month.';

@ApiTags('Usage')
@ApiErrors(401, 403)
@Controller('api/v1')
export class UsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly accounts: AccountsRepository,
  ) {}

  @Get('usage')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "Every account's disk and traffic figures in one call (WHMCS UsageUpdate)", description: FIGURES })
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

  @Get('accounts/:id/usage')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "One account's disk and traffic figures", description: FIGURES })
  @ApiData(AccountUsageView)
  @ApiErrors(404)
  async one(@Param('id', ParseIdPipe) id: number): Promise<{ data: AccountUsageView }> {
    const account = await this.accounts.findById(id);
    if (!account) throw DomainError.notFound('Account');
    return { data: AccountUsageView.of(await this.usage.of(account), nowToTheSecond()) };
  }
}
