import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData, ApiDataList, ApiPage } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Page } from '../common/pagination';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateWebhookDto, DeliveryQuery, UpdateWebhookDto } from './dto/webhook.dto';
import { CreatedWebhookView, DeliveryView, WebhookView } from './dto/webhook.view';
import { WebhooksService } from './webhooks.service';
import { RecordsEvents } from './outbox/event-context';

@ApiTags('Webhooks')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiOperation({ summary: 'List webhook endpoints (never their secrets)' })
  @ApiDataList(WebhookView)
  async list(): Promise<{ data: WebhookView[] }> {
    return { data: (await this.webhooks.list()).map(WebhookView.of) };
  }

  @Post()
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiOperation({
    summary: 'Add a webhook endpoint; its signing secret is in this answer only',
    description:
      'Events are POSTed signed as Standard Webhooks defines (`webhook-id`, `webhook-timestamp`, `webhook-signature`). A URL whose host resolves to a loopback, private, link-local or metadata address is refused (422) unless HW_WEBHOOK_ALLOW_CIDRS allows it.',
  })
  @ApiData(CreatedWebhookView, 201)
  @ApiErrors(422)
  async create(@Body() body: CreateWebhookDto): Promise<{ data: CreatedWebhookView }> {
    const { endpoint, secret } = await this.webhooks.create(body);
    return { data: { ...WebhookView.of(endpoint), secret } };
  }

  @Get(':id')
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  @ApiData(WebhookView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: WebhookView }> {
    return { data: WebhookView.of(await this.webhooks.get(id)) };
  }

  @Patch(':id')
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiOperation({ summary: 'Change a webhook endpoint (URL, event types, enabled)' })
  @ApiData(WebhookView)
  @ApiErrors(404, 422)
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateWebhookDto): Promise<{ data: WebhookView }> {
    return { data: WebhookView.of(await this.webhooks.update(id, body)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiOperation({ summary: 'Remove a webhook endpoint and its deliveries' })
  @ApiErrors(404)
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiOperation({ summary: "The endpoint's deliveries, oldest first: status, attempts, response code, latency, last error, next attempt" })
  @ApiPage(DeliveryView)
  @ApiErrors(404, 422)
  listDeliveries(@Param('id', ParseIdPipe) id: number, @Query() query: DeliveryQuery): Promise<Page<DeliveryView>> {
    return this.webhooks.listDeliveries(id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiOperation({ summary: 'Send a delivered or failed event again (same webhook-id), as a new delivery' })
  @ApiData(DeliveryView, 202)
  @ApiErrors(404)
  async redeliver(@Param('id', ParseIdPipe) id: number, @Param('deliveryId', ParseIdPipe) deliveryId: number): Promise<{ data: DeliveryView }> {
    return { data: await this.webhooks.redeliver(id, deliveryId) };
  }

  @Post(':id/ping')
  @HttpCode(202)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiOperation({ summary: 'Send a `webhook.ping` test event to this endpoint' })
  @ApiData(DeliveryView, 202)
  @ApiErrors(404, 409)
  async ping(@Param('id', ParseIdPipe) id: number): Promise<{ data: DeliveryView }> {
    return { data: await this.webhooks.ping(id) };
  }
}
