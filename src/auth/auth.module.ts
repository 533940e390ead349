import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiToken } from './api-token.entity';
import { ScopesGuard, TokenAuthGuard } from './auth.guards';
import { ApiKeyStrategy, BearerStrategy } from './strategies';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule.register({ session: false }), TypeOrmModule.forFeature([ApiToken])],
  controllers: [TokensController],
  providers: [
    TokensService,
    BearerStrategy,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: TokenAuthGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
  exports: [TokensService],
})
export class AuthModule {}
