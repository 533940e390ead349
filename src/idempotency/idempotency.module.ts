import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ErrorsModule } from '../common/errors/errors.module';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKey]), ErrorsModule],
  providers: [IdempotencyService, IdempotencyInterceptor],
  // ErrorsModule too: the interceptor is built in each module whose routes use it.
  exports: [IdempotencyService, IdempotencyInterceptor, ErrorsModule],
})
export class IdempotencyModule {}
