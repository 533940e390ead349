import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DomainError } from './errors/domain-error';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

export class PageQuery {
  /** Items per page, 1 to 100. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number = 25;

  /** The `meta.next_cursor` of the previous page. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'cursor must be a next_cursor value from a previous page' })
  cursor?: string;
}

export class PageMeta {
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;

  @ApiProperty({ example: 25 })
  limit: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

export function encodeCursor(id: number): string {
  return Buffer.from(String(id)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const id = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(id) || id < 0) return -1;
  return id;
}

/** Keyset pagination on `alias.id`, so a late page costs what the first page costs. */
export async function paginate<E extends ObjectLiteral & { id: number }, V>(qb: SelectQueryBuilder<E>, query: PageQuery, view: (entity: E) => V): Promise<Page<V>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  if (after < 0) {
    throw DomainError.field('cursor', 'cursor must be a next_cursor value from a previous page');
  }
  const alias = qb.alias;
  const rows = await qb
    .andWhere(`${alias}.id > :hwAfter`, { hwAfter: after })
    .orderBy(`${alias}.id`, 'ASC')
    .take(limit + 1)
    .getMany();
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return {
    data: page.map(view),
    meta: { next_cursor: hasMore ? encodeCursor(page[page.length - 1].id) : null, limit },
  };
}
