import { Controller, Get, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '../../auth/authenticated.decorator';
import { DatabaseService } from '../database/database.service';

class HealthView {
  @ApiProperty({ example: 'ok', enum: ['ok', 'unavailable'] })
  status: string;
  @ApiProperty({ example: 'up', enum: ['up', 'down'] })
  database: string;
}

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DatabaseService) {}

  @Get()
  @PublicRoute()
  @ApiOperation({ summary: 'Liveness and database status (no token needed)' })
  @ApiResponse({ status: 200, type: HealthView })
  @ApiResponse({ status: 503, type: HealthView })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthView> {
    if (await this.db.ping()) return { status: 'ok', database: 'up' };
    reply.status(503);
    return { status: 'unavailable', database: 'down' };
  }
}
