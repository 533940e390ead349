import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain-error';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiPage } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page } from '../common/pagination';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Principal } from '../auth/principal';
import { AccountsService } from './accounts.service';
import { actorOf } from './suspensions/actor';
import { CertificatesService } from '../certificates/certificates.service';
import { AccountQuery } from './dto/account-query.dto';
import { AccountStatusView, AccountView, CreatedAccountView } from './dto/account.view';
import { CreateAccountDto, CreateAccountQuery } from './dto/create-account.dto';
import { PlanView } from './dto/plan.view';
import { SuspendAccountDto } from './dto/suspend-account.dto';
import { UpdateAccountDto } from './dto/update-account.dto';
import { RecordsEvents } from '../webhooks/outbox/event-context';

/**
 * `/api/accounts…` is the billing alias Opterius Commerce calls (unchanged, it cannot be told
 * otherwise): there a create without a password gets a generated one, the answer also carries a
 * top-level `account_id`, suspend and unsuspend are the `billing` suspension's, and repeating one
 * (or lifting one not in force) succeeds.
 */
const isBillingAlias = (request: FastifyRequest): boolean => request.url.startsWith('/api/accounts');

/** The native account API; `/api/accounts…` (billing clients) is the same controller. */
@ApiTags('Accounts')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller(['api/v1/accounts', 'api/accounts'])
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly certificates: CertificatesService,
  ) {}

  @Get()
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'List accounts (keyset pages; filters status, username, domain, client_id)' })
  @ApiPage(AccountView)
  @ApiErrors(422)
  list(@Query() query: AccountQuery): Promise<Page<AccountView>> {
    return this.accounts.list(query);
  }

  @Post()
  @Authenticated({ scopes: ['accounts:write'] })
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe create: the same key and body within 24 h replays the first answer' })
  @ApiOperation({
    summary: 'Create and provision a hosting account',
    description:
      'Synchronous: the 201 comes after every provisioning step. `package` (name) may replace `package_id`. ' +
      'With `?dry_run=true` the answer is 200 `{data: plan}` and nothing is created. 403 is also `license_required` ' +
      'or `account_limit_reached`; 503 when the agent is unreachable.',
  })
  @ApiBody({
    type: CreateAccountDto,
    examples: {
      seed: {
        summary: 'By package id (seed 000)',
        value: { username: 'alice', domain: 'alice.example.com', email: 'alice@example.com', password: 's3cur3p@ss', package_id: 1 },
      },
      billing: {
        summary: 'By package name, with limit overrides (billing module)',
        value: {
          username: 'alice',
          password: 's3cur3p@ss',
          domain: 'alice.example.com',
          package: 'default',
          email: 'alice@example.com',
          disk_limit_mb: 5120,
          bandwidth_limit_mb: 51200,
        },
      },
    },
  })
  @ApiData(CreatedAccountView, 201)
  @ApiData(PlanView, 200)
  @ApiErrors(409, 422, 503)
  async create(
    @Body() body: CreateAccountDto,
    @Query() query: CreateAccountQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Req() request: FastifyRequest,
  ): Promise<{ data: CreatedAccountView | PlanView; account_id?: number }> {
    const billing = isBillingAlias(request);
    if (body.password === undefined && !billing) throw DomainError.field('password', 'password is required');
    // Nobody logs in with it: the billing system keeps its own; it is never echoed.
    const { certificate, ...fields } = body;
    const input = { ...fields, password: body.password ?? randomBytes(24).toString('base64url') };
    if (query.dry_run === 'true') {
      reply.status(200);
      return { data: await this.accounts.planCreate(input) };
    }
    const account = await this.accounts.create(input);
    if (certificate === true) this.certificates.requestAtCreate(account);
    const created = CreatedAccountView.of(account);
    return billing ? { account_id: created.id, data: created } : { data: created };
  }

  @Get(':id')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'Get an account' })
  @ApiData(AccountView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: AccountView }> {
    return { data: await this.accounts.view(id) };
  }

  @Patch(':id')
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Change email, password, package, client or limits (username and domain are immutable: 422)' })
  @ApiData(AccountView)
  @ApiErrors(404, 409, 422, 503)
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateAccountDto): Promise<{ data: AccountView }> {
    return { data: AccountView.of(await this.accounts.update(id, body)) };
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Add a suspension (web 503, no shell, mail refused; reversible)',
    description:
      '`type` billing, abuse, admin or client (absent: admin; billing on the billing alias); several may be in force, and the agent suspends the account with the first. ' +
      '409 when that type is in force already; on the billing alias /api/accounts/{id}/suspend that is a 200.',
  })
  @ApiData(AccountStatusView)
  @ApiErrors(404, 409, 422, 503)
  async suspend(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: SuspendAccountDto,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() caller?: Principal,
  ): Promise<{ data: AccountStatusView }> {
    const billing = isBillingAlias(request);
    const suspension = { type: body.type ?? (billing ? 'billing' : 'admin'), reason: body.reason, actor: actorOf(billing ? 'commerce' : 'native', caller) } as const;
    const account = billing ? (await this.accounts.ensureSuspended(id, suspension)).account : await this.accounts.suspend(id, suspension);
    return { data: AccountStatusView.of(account) };
  }

  @Post(':id/unsuspend')
  @HttpCode(200)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Lift a suspension',
    description:
      '`type` as on suspend (absent: admin; billing on the billing alias). The account is active again only when none remains: otherwise 200 with status ' +
      '`suspended` and the suspensions still in force. 409 when that type is not in force; on the billing alias that is a 200.',
  })
  @ApiData(AccountStatusView)
  @ApiErrors(404, 409, 422, 503)
  async unsuspend(@Param('id', ParseIdPipe) id: number, @Body() body: SuspendAccountDto, @Req() request: FastifyRequest): Promise<{ data: AccountStatusView }> {
    const billing = isBillingAlias(request);
    const lift = { type: body.type ?? (billing ? 'billing' : 'admin') } as const;
    const account = billing ? (await this.accounts.ensureLifted(id, lift)).account : await this.accounts.unsuspend(id, lift);
    return { data: AccountStatusView.of(account) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Delete an account and everything it has on the server (irreversible); 204, no body' })
  @ApiErrors(404, 409, 503)
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.accounts.remove(id);
  }
}
