import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEvent } from './outbox-event.entity';
import { Outbox } from './outbox.service';

/**
 * The transactional outbox alone, for the features whose changes are events (accounts, clients):
 * they record into it inside their own transactions. The endpoints and delivery are WebhooksModule's.
 */
@Module({ imports: [TypeOrmModule.forFeature([OutboxEvent])], providers: [Outbox], exports: [Outbox] })
export class OutboxModule {}
