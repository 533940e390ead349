import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DomainError } from '../common/errors/domain-error';
import { ApiData, ApiDataList } from '../common/api-data.decorator';
import { Authenticated } from './authenticated.decorator';
import { CurrentPrincipal } from './current-principal.decorator';
import { CreateTokenDto } from './dto/create-token.dto';
import { CreatedTokenView, TokenView } from './dto/token.view';
import { Principal } from './principal';
import { TokensService } from './tokens.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

@ApiTags('Tokens')
@ApiErrors(401, 403)
@Authenticated({ scopes: ['tokens:admin'] })
@RecordsEvents()
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @ApiOperation({ summary: 'List API tokens (never their secrets)' })
  @ApiDataList(TokenView)
  async list(): Promise<{ data: TokenView[] }> {
    return { data: (await this.tokens.list()).map(TokenView.of) };
  }

  @Post()
  @ApiOperation({
    summary: 'Create an API token; the secret is in this answer only',
    description: 'The new token may hold only scopes the calling token holds (a write scope grants its read scope; `*` grants all); 403 otherwise.',
  })
  @ApiData(CreatedTokenView, 201)
  @ApiErrors(422)
  async create(@Body() body: CreateTokenDto, @CurrentPrincipal() caller: Principal): Promise<{ data: CreatedTokenView }> {
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt <= new Date()) throw DomainError.field('expires_at', 'expires_at must be in the future');
    if (body.require_signature_v2 && body.can_sign !== true) throw DomainError.field('require_signature_v2', 'require_signature_v2 needs can_sign: true');
    const { token, secret } = await this.tokens.create({
      name: body.name,
      scopes: body.scopes,
      expiresAt,
      canSign: body.can_sign === true,
      requireSignatureV2: body.require_signature_v2 === true,
      dialect: body.dialect ?? null,
      serverId: body.server_id ?? null,
      grantedBy: caller,
    });
    return { data: { ...TokenView.of(token), token: secret } };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token' })
  @ApiErrors(404)
  async revoke(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.tokens.revoke(id);
  }
}
