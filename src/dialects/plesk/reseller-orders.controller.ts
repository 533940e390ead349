import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { contactEmailFor } from '../../accounts/contact-email';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '../../accounts/accounts.service';
import { Authenticated } from '../../auth/authenticated.decorator';
import { ClientsService } from '../../clients/clients.service';
import { ErrorFieldNames } from '../../common/errors/error-field-names';
import { PackagesService } from '../../packages/packages.service';
import { ResellerCreateOrderDto, ResellerScaleOrderDto, SubscriptionDetailQuery } from './dto/reseller.dto';
import {
  ResellerOrderCreatedEnvelope,
  ResellerOrderScaledEnvelope,
  ResellerOrderView,
  ResellerSubscriptionDetailEnvelope,
  ResellerSubscriptionDetailView,
  ResellerSubscriptionView,
} from './dto/reseller.view';
import { ApiResellerErrors } from './plesk-error-docs';
import { PleskReferences } from './plesk-references';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

/** Account fields → the order's names, for 422 details and 409s. */
const ORDER_FIELDS = {
  username: 'ftp_login',
  domain: 'domain_name',
  password: 'ftp_password',
  email: 'client_id',
  package: 'plan_id',
  package_id: 'plan_id',
  client_id: 'client_id',
};

/**
 * 0xhost's Plesk orders and subscriptions. A subscription is a Hostwright account: domain_name →
 * domain, ftp_login → username, ftp_password → password, plan_id → package (id or name), the
 * email is the owner client's. Billing fields are accepted and ignored; the order in the answer
 * is synthesised from the account (Hostwright keeps no orders or balances).
 */
@ApiTags('Plesk reseller API')
@ApiResellerErrors(401, 403)
@RecordsEvents()
@Controller('API')
export class ResellerOrdersController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly clients: ClientsService,
    private readonly packages: PackagesService,
    private readonly plesk: PleskReferences,
  ) {}

  @Post('orders/create_order_plesk')
  @HttpCode(200)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Create a hosting subscription (an account) for a client' })
  @ApiOkResponse({ type: ResellerOrderCreatedEnvelope })
  @ApiResellerErrors(404, 409, 422)
  @ErrorFieldNames(ORDER_FIELDS)
  async create(@Body() body: ResellerCreateOrderDto): Promise<ResellerOrderCreatedEnvelope> {
    const client = await this.plesk.client(body.client_id, 'client_id');
    const plan = await this.plesk.plan(body.plan_id, 'plan_id');
    const account = await this.accounts.create({
      username: body.ftp_login,
      domain: body.domain_name,
      email: contactEmailFor(client, body.domain_name),
      password: body.ftp_password,
      package_id: plan.id,
      client_id: client.id,
    });
    return {
      success: true,
      message: 'Plesk order created successfully',
      order: ResellerOrderView.of(account),
      subscription: ResellerSubscriptionView.of(account),
      balance_after: '0.00',
    };
  }

  @Post('orders/create_order_scale_plesk')
  @HttpCode(200)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({ summary: 'Renew (nothing expires here) and/or change the plan (new_plan_id → package)' })
  @ApiOkResponse({ type: ResellerOrderScaledEnvelope })
  @ApiResellerErrors(404, 409, 422)
  @ErrorFieldNames({ package_id: 'new_plan_id' })
  async scale(@Body() body: ResellerScaleOrderDto): Promise<ResellerOrderScaledEnvelope> {
    let account = await this.plesk.account(body.subscription_id);
    if (body.new_plan_id !== undefined && body.new_plan_id !== null) {
      const plan = await this.plesk.plan(body.new_plan_id, 'new_plan_id');
      if (plan.id !== account.packageId) account = await this.accounts.update(account.id, { package_id: plan.id });
    }
    const plan = await this.packages.findById(account.packageId);
    const months = Number.isSafeInteger(Number(body.months)) ? Number(body.months) : 0;
    return {
      success: true,
      message: 'Subscription renewed successfully',
      order: ResellerOrderView.of(account, new Date()),
      subscription: { id: account.guid, domain_name: account.domain, plan_name: plan?.name ?? '', new_expires_at: null, months_added: months },
      balance_after: '0.00',
    };
  }

  @Get('plesk/subscriptions/detail')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'A subscription (account) by UUID or numeric id' })
  @ApiOkResponse({ type: ResellerSubscriptionDetailEnvelope })
  @ApiResellerErrors(404, 422)
  async detail(@Query() query: SubscriptionDetailQuery): Promise<ResellerSubscriptionDetailEnvelope> {
    const account = await this.plesk.account(query.id);
    const [plan, client] = await Promise.all([this.packages.findById(account.packageId), account.clientId ? this.clients.findById(account.clientId) : null]);
    return {
      success: true,
      message: 'Subscription retrieved successfully',
      subscription: ResellerSubscriptionDetailView.of(account, plan, client),
      orders: [ResellerOrderView.of(account, account.createdAt)],
    };
  }
}
