import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ServerStatsView } from './server-stats.view';
import { ServerStatsService } from './server-stats.service';

@ApiTags('Server')
@ApiErrors(401, 403)
@Controller(['api/v1', 'api'])
export class ServerStatsController {
  constructor(private readonly stats: ServerStatsService) {}

  @Get('server/stats')
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: 'Server facts for a billing system\'s "test connection"' })
  @ApiData(ServerStatsView)
  async serverStats(): Promise<{ data: ServerStatsView }> {
    return { data: await this.stats.stats() };
  }

  @Get('ping')
  @Authenticated()
  @ApiOperation({ summary: 'Credentials check: 200 when the token (or signature) is accepted' })
  ping(): { data: { pong: true } } {
    return { data: { pong: true } };
  }
}
