import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiDataList } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateMailAliasDto } from './dto/mail-alias.dto';
import { MailAliasView } from './dto/mail-alias.view';
import { MailAliasesService } from './mail-aliases.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

/** An account's forwarders (aliases), addressed by local part (`sales` of sales@alice.example.com). */
@ApiTags('Mail aliases')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller('api/v1/accounts/:id/mail/aliases')
export class MailAliasesController {
  constructor(private readonly aliases: MailAliasesService) {}

  @Get()
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "List the account's forwarders" })
  @ApiDataList(MailAliasView)
  @ApiErrors(404)
  async list(@Param('id', ParseIdPipe) id: number): Promise<{ data: MailAliasView[] }> {
    return { data: (await this.aliases.list(id)).map((a) => MailAliasView.of(a)) };
  }

  @Post()
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Create a forwarder on the account’s domain',
    description:
      'Effective on the next SMTP RCPT (Postfix’s virtual_alias_maps queries the panel’s database). 422 for a destination that is not a plain address or is the forwarder itself; ' +
      '409 when the address is a mailbox or a forwarder already, or the account is in another operation.',
  })
  @ApiData(MailAliasView, 201)
  @ApiErrors(404, 409, 422)
  async create(@Param('id', ParseIdPipe) id: number, @Body() body: CreateMailAliasDto): Promise<{ data: MailAliasView }> {
    return { data: MailAliasView.of(await this.aliases.create(id, body)) };
  }

  @Get(':alias')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'Get a forwarder by its local part' })
  @ApiData(MailAliasView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number, @Param('alias') localPart: string): Promise<{ data: MailAliasView }> {
    return { data: MailAliasView.of((await this.aliases.get(id, localPart)).alias) };
  }

  @Delete(':alias')
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Delete a forwarder; 204, no body (mail to it is refused with 550 at once)' })
  @ApiErrors(404, 409)
  async remove(@Param('id', ParseIdPipe) id: number, @Param('alias') localPart: string): Promise<void> {
    await this.aliases.remove(id, localPart);
  }
}
