import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiDataList } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateMailboxDto, UpdateMailboxDto } from './dto/mailbox.dto';
import { MailboxView } from './dto/mailbox.view';
import { MailboxesService } from './mailboxes.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

/** An account's mailboxes, addressed by local part (`info` of info@alice.example.com). */
@ApiTags('Mailboxes')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller('api/v1/accounts/:id/mailboxes')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Get()
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "List the account's mailboxes (the primary one included)" })
  @ApiDataList(MailboxView)
  @ApiErrors(404)
  async list(@Param('id', ParseIdPipe) id: number): Promise<{ data: MailboxView[] }> {
    const { account, mailboxes } = await this.mailboxes.list(id);
    return { data: mailboxes.map((m) => MailboxView.of(m, account.username)) };
  }

  @Post()
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Create a mailbox on the account’s domain',
    description:
      'Effective at once (Postfix and Dovecot query the panel’s database). 403 `package_limit_reached` past the package’s max_email_accounts; ' +
      '422 for a quota_mb above the account’s disk quota; 409 when the address exists or the account is in another operation.',
  })
  @ApiData(MailboxView, 201)
  @ApiErrors(404, 409, 422)
  async create(@Param('id', ParseIdPipe) id: number, @Body() body: CreateMailboxDto): Promise<{ data: MailboxView }> {
    const { account, mailbox } = await this.mailboxes.create(id, body);
    return { data: MailboxView.of(mailbox, account.username) };
  }

  @Get(':mailbox')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'Get a mailbox by its local part' })
  @ApiData(MailboxView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number, @Param('mailbox') localPart: string): Promise<{ data: MailboxView }> {
    const { account, mailbox } = await this.mailboxes.get(id, localPart);
    return { data: MailboxView.of(mailbox, account.username) };
  }

  @Patch(':mailbox')
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Change a mailbox’s password or quota (local_part is immutable: 422)' })
  @ApiData(MailboxView)
  @ApiErrors(404, 409, 422)
  async update(@Param('id', ParseIdPipe) id: number, @Param('mailbox') localPart: string, @Body() body: UpdateMailboxDto): Promise<{ data: MailboxView }> {
    const { account, mailbox } = await this.mailboxes.update(id, localPart, body);
    return { data: MailboxView.of(mailbox, account.username) };
  }

  @Delete(':mailbox')
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Delete a mailbox and its stored mail; 204, no body (mail to it is refused with 550 at once)' })
  @ApiErrors(404, 409, 503)
  async remove(@Param('id', ParseIdPipe) id: number, @Param('mailbox') localPart: string): Promise<void> {
    await this.mailboxes.remove(id, localPart);
  }
}
