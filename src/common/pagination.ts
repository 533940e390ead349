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

/** Query DTOs whose every field but `limit` and `cursor` is optional: a query of only those two may take the short path. */
const PAGE_ONLY_QUERIES = new Set<unknown>([PageQuery]);

/** Declares that `query` (a PageQuery subclass) has no required field of its own. */
export function pageOnlyQueryAllowed(query: new () => PageQuery): void {
  PAGE_ONLY_QUERIES.add(query);
}

const PLAIN_LIMIT = /^(?:[1-9]\d?|100)$/;
const PLAIN_CURSOR = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The instance class-validator would make of a query that holds at most a plainly valid `limit`
 * (1–100, digits) and `cursor`, without running it (≈45 µs of a list page); null for anything
 * else, which then takes the full validation, with its errors.
 */
export function plainPageQuery(metatype: unknown, value: unknown): PageQuery | null {
  if (!metatype || !PAGE_ONLY_QUERIES.has(metatype) || typeof value !== 'object' || value === null) return null;
  const { limit, cursor, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (limit !== undefined && !(typeof limit === 'string' && PLAIN_LIMIT.test(limit))) return null;
  if (cursor !== undefined && !(typeof cursor === 'string' && PLAIN_CURSOR.test(cursor))) return null;
  const query = new (metatype as new () => PageQuery)();
  if (limit !== undefined) query.limit = Number(limit);
  if (cursor !== undefined) query.cursor = cursor;
  return query;
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
  const alias = qb.alias;
  return keysetPage(query, view, (after, take) => qb.andWhere(`${alias}.id > :hwAfter`, { hwAfter: after }).orderBy(`${alias}.id`, 'ASC').take(take).getMany());
}

/** The same page from any reader of "up to `take` rows with id past `after`, by id" (one row more than the page, to know there is a next). */
export async function keysetPage<E extends { id: number }, V>(
  query: PageQuery,
  view: (entity: E) => V,
  rowsAfter: (after: number, take: number) => Promise<E[]>,
): Promise<Page<V>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  if (after < 0) {
    throw DomainError.field('cursor', 'cursor must be a next_cursor value from a previous page');
  }
  const rows = await rowsAfter(after, limit + 1);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return {
    data: page.map(view),
    meta: { next_cursor: hasMore ? encodeCursor(page[page.length - 1].id) : null, limit },
  };
}
