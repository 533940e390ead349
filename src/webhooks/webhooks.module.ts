import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { EventContextInterceptor } from './outbox/event-context';
import { OutboxModule } from './outbox/outbox.module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints, their routes and the dispatcher that delivers the outbox (see OutboxModule for
 * how events are written). The interceptor gives every handler its request's actor and id, which
 * the events its writes record carry.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery]), OutboxModule, AuthModule, SchedulingModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDispatcher, { provide: APP_INTERCEPTOR, useClass: EventContextInterceptor }],
})
export class WebhooksModule {}
