import { Body, Controller, Delete, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../auth/authenticated.decorator';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { TokensService } from '../../auth/tokens.service';
import { DomainError } from '../../common/errors/domain-error';
import { REST_V2_CREDENTIALS } from './basic-token.strategy';
import { RestAuthKeyDto } from './dto/rest.dto';
import { RestKeyView, RestStatusView } from './dto/rest.view';
import { ApiRestV2Errors } from './plesk-error-docs';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

/**
 * Plesk's secret keys are Hostwright API tokens: a minted key carries the caller's scopes and
 * is not bound to an IP (ip, ips and login are accepted and ignored). Route param `key`, not
 * `id`, so the audit log never stores the secret.
 */
@ApiTags('Plesk REST v2')
@ApiRestV2Errors(401, 403)
@Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['tokens:admin'] })
@RecordsEvents()
@Controller('api/v2/auth/keys')
export class RestAuthKeysController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({ summary: "Create a secret key (a token with the caller's scopes) → 201 {key}" })
  @ApiCreatedResponse({ type: RestKeyView })
  @ApiRestV2Errors(400)
  async create(@Body() body: RestAuthKeyDto, @CurrentPrincipal() caller: Principal): Promise<RestKeyView> {
    const name =
      (body.description ?? '')
        .replace(/[^A-Za-z0-9 ._-]/g, '')
        .trim()
        .slice(0, 100) || 'plesk-rest-key';
    const { secret } = await this.tokens.create({ name, scopes: caller.scopes, grantedBy: caller });
    return { key: secret };
  }

  @Delete(':key')
  @ApiOperation({ summary: 'Revoke a secret key by its value → {status: "success"}' })
  @ApiOkResponse({ type: RestStatusView })
  @ApiRestV2Errors(404)
  async remove(@Param('key') key: string): Promise<RestStatusView> {
    const principal = await this.tokens.authenticate(key);
    if (!principal) throw new DomainError('not_found', 'Key not found');
    await this.tokens.revoke(principal.tokenId);
    return { status: 'success' };
  }
}
