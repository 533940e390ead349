import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';

export class ClientQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @IsOptional()
  @IsIn(CLIENT_STATUSES, { message: `status must be one of ${CLIENT_STATUSES.join(', ')}` })
  status?: ClientStatus;

  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  login?: string;

  @ApiPropertyOptional({ example: 'whmcs-1042' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  external_id?: string;
}

export class DeleteClientQuery {
  /** `true`: deprovision and delete the client's accounts first, then the client. Without it a client that owns accounts is refused (409). */
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'cascade must be true or false' })
  cascade?: string;
}
