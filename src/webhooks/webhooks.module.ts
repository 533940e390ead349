import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { OutboxModule } from './outbox/outbox.module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints, their routes and the dispatcher that delivers the outbox (see OutboxModule for
 * how events are written). Each controller with a writing route carries RecordsEvents (outbox/event-context.ts),
 * which gives its handlers their request's actor and id for the events their writes record.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery]), OutboxModule, AuthModule, SchedulingModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDispatcher],
})
export class WebhooksModule {}
