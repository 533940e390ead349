import { hostname } from 'node:os';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { version } from '../../../package.json';
import { Authenticated } from '../../auth/authenticated.decorator';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { REST_V2_CREDENTIALS } from './basic-token.strategy';
import { RestServerIpView, RestServerView } from './dto/rest.view';
import { ApiRestV2Errors } from './plesk-error-docs';

/** Plesk REST v2 `GET /server` and `GET /server/ips`, truthful: Hostwright's version, the one configured address. */
@ApiTags('Plesk REST v2')
@ApiRestV2Errors(401, 403)
@Authenticated({ credentials: REST_V2_CREDENTIALS, scopes: ['accounts:read'] })
@Controller('api/v2/server')
export class RestServerController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ summary: "The server: Hostwright's hostname and version" })
  @ApiOkResponse({ type: RestServerView })
  info(): RestServerView {
    return {
      platform: process.platform === 'win32' ? 'Windows' : 'Unix',
      hostname: hostname(),
      guid: this.config.license.serverId ?? '',
      panel_version: version,
      panel_revision: 'hostwright',
      panel_build_date: '',
      panel_update_version: '',
      extension_version: '',
    };
  }

  @Get('ips')
  @ApiOperation({ summary: 'The address accounts are hosted on (provisioning.serverIp), shared' })
  @ApiOkResponse({ type: [RestServerIpView] })
  ips(): RestServerIpView[] {
    return [{ ipv4: this.config.provisioning.serverIp, ipv6: '', netmask: '255.255.255.255', interface: '', type: 'shared' }];
  }
}
