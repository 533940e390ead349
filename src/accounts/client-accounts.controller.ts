import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ClientsService } from '../clients/clients.service';
import { ApiPage } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page, PageQuery } from '../common/pagination';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { AccountsService } from './accounts.service';
import { AccountView } from './dto/account.view';

/** `GET /api/v1/clients/{id}/accounts`: lives here because it lists accounts. */
@ApiTags('Clients')
@ApiErrors(401, 403)
@Controller(['api/v1/clients', 'api/clients'])
export class ClientAccountsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
  ) {}

  @Get(':id/accounts')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "List a client's accounts (keyset pages)" })
  @ApiPage(AccountView)
  @ApiErrors(404, 422)
  async list(@Param('id', ParseIdPipe) id: number, @Query() query: PageQuery): Promise<Page<AccountView>> {
    await this.clients.get(id);
    return this.accounts.list({ ...query, client_id: id });
  }
}
