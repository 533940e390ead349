import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQuery } from '../../common/pagination';

export const AUDITED_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export class AuditQuery extends PageQuery {
  /** Only entries of this token name. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  token_name?: string;

  /** Only entries about this target id. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  target?: string;

  @IsOptional()
  @IsIn(AUDITED_METHODS, { message: `method must be one of ${AUDITED_METHODS.join(', ')}` })
  method?: string;
}
