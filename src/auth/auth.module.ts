import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthFailureBudget } from '../platform/http/rate-limit/auth-failure-budget';
import { SharedWindowCountsModule } from '../platform/http/rate-limit/shared-window-counts.module';
import { ApiToken } from './api-token.entity';
import { SeenSignature } from './signing/seen-signature.entity';
import { RequestSignatureService } from './signing/request-signature.service';
import { SecretBox } from './signing/secret-box';
import { SignatureStrategy } from './signing/signature.strategy';
import { ApiKeyStrategy, BearerStrategy } from './strategies';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiToken, SeenSignature]), SharedWindowCountsModule],
  controllers: [TokensController],
  providers: [TokensService, BearerStrategy, ApiKeyStrategy, SecretBox, RequestSignatureService, SignatureStrategy, AuthFailureBudget],
  exports: [TokensService, SecretBox, AuthFailureBudget],
})
export class AuthModule {}
