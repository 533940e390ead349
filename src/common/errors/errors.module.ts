import { Module } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { ErrorDialects } from './error-dialects';

/** The global exception filter and the dialects it answers in (each dialect module provides its own). */
@Module({
  imports: [DiscoveryModule],
  providers: [ErrorDialects, { provide: APP_FILTER, useClass: AllExceptionsFilter }],
  exports: [ErrorDialects],
})
export class ErrorsModule {}
