import { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { isoUtc } from '../../common/dates';
import { RawTable, rawTable } from './raw-rows';
import { datetimeAsStoredText, storedUtcDatetime, storedUtcIso } from './stored-datetime';

/**
 * One row by one column, hydrated with TypeORM's own per-dialect value conversion but without its
 * query builder: on the hottest reads (an account by id) the builder cost more than the query.
 */
export async function findOneByColumn<E extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<E>,
  column: string,
  value: string | number,
): Promise<E | null> {
  const table = await rawTable(dataSource, oneRowSql(dataSource, target, column), [value], true);
  return table.rows.length ? hydrated<E>(dataSource, target, table)[0] : null;
}

type RowSqls = WeakMap<DataSource, Map<unknown, Map<string, string>>>;

/** The SELECT of one row by one column, made once per data source, entity and column (the metadata lookup and escaping cost more than a cache hit). */
const oneRowSqls: RowSqls = new WeakMap();

function oneRowSql(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, column: string): string {
  return rowSql(oneRowSqls, dataSource, target, column, (driver, table) => `SELECT * FROM ${table} WHERE ${driver.escape(column)} = ? LIMIT 1`);
}

function rowSql(
  cache: RowSqls,
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  column: string,
  make: (driver: DataSource['driver'], table: string) => string,
): string {
  let byTarget = cache.get(dataSource);
  if (!byTarget) cache.set(dataSource, (byTarget = new Map()));
  let byColumn = byTarget.get(target);
  if (!byColumn) byTarget.set(target, (byColumn = new Map()));
  let sql = byColumn.get(column);
  if (sql === undefined) {
    sql = make(dataSource.driver, dataSource.driver.escape(dataSource.getMetadata(target).tableName));
    byColumn.set(column, sql);
  }
  return sql;
}

/**
 * findOneByColumn for a view that shows its datetimes as isoUtc's text (findViewPageAfter's
 * rows): only the `select` columns, no Date made.
 */
export async function findViewByColumn<E extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<E>,
  column: string,
  value: string | number,
  select: readonly string[],
): Promise<IsoDated<E> | null> {
  const table = await rawTable(dataSource, viewRowSql(dataSource, target, column, select), [value], true);
  return table.rows.length ? hydrated<IsoDated<E>>(dataSource, target, table, true)[0] : null;
}

/** The view read's SELECT, per select list (a constant array), then as oneRowSql's. */
const viewRowSqls = new WeakMap<readonly string[], RowSqls>();

function viewRowSql(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, column: string, select: readonly string[]): string {
  const list = () => selectList(dataSource, dataSource.getMetadata(target), select, true);
  return rowSql(sqlsOf(viewRowSqls, select), dataSource, target, column, (driver, table) => `SELECT ${list()} FROM ${table} WHERE ${driver.escape(column)} = ? LIMIT 1`);
}

function sqlsOf(caches: WeakMap<readonly string[], RowSqls>, select: readonly string[]): RowSqls {
  let cache = caches.get(select);
  if (!cache) caches.set(select, (cache = new WeakMap()));
  return cache;
}

/** Every row, ordered by one column, hydrated the same way (bulk reads: TypeORM's find cost ≈50 µs a row, this a few). */
export async function findAllOrderedBy<E extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<E>, column: string): Promise<E[]> {
  const metadata = dataSource.getMetadata(target);
  const driver = dataSource.driver;
  return hydrated<E>(dataSource, target, await rawTable(dataSource, `SELECT * FROM ${driver.escape(metadata.tableName)} ORDER BY ${driver.escape(column)}`, []));
}

/**
 * A keyset page: rows whose `id` is past `afterId` and whose columns equal `where` (database
 * column names, AND-ed), by id, at most `limit`; hydrated the same way. `select`: only these
 * columns (the others stay undefined), for a page that only a view reads. The query builder and
 * its entity transform cost ≈2 µs per column on every row of a page.
 */
export async function findPageAfter<E extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<E>,
  where: Record<string, string | number>,
  afterId: number,
  limit: number,
  select?: readonly string[],
): Promise<E[]> {
  return pageAfter<E>(dataSource, target, where, afterId, limit, select, false);
}

/** E as a view reads it from a page: its datetime properties as isoUtc's text instead of Dates. */
export type IsoDated<E> = { [K in keyof E]: E[K] extends Date ? string : E[K] extends Date | null ? string | null : E[K] };

/**
 * findPageAfter's page for a view that shows its datetimes as isoUtc's text: each read as stored
 * text and reshaped by its characters, no Date made (two of them a row were a quarter of a
 * 50-row page's CPU on SQLite).
 */
export async function findViewPageAfter<E extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<E>,
  where: Record<string, string | number>,
  afterId: number,
  limit: number,
  select: readonly string[],
): Promise<IsoDated<E>[]> {
  return pageAfter<IsoDated<E>>(dataSource, target, where, afterId, limit, select, true);
}

async function pageAfter<R extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  where: Record<string, string | number>,
  afterId: number,
  limit: number,
  select: readonly string[] | undefined,
  isoDates: boolean,
): Promise<R[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`findPageAfter: bad limit ${limit}`);
  const columns = Object.keys(where);
  const sql = pageSql(dataSource, target, columns, limit, select, isoDates);
  return hydrated<R>(dataSource, target, await rawTable(dataSource, sql, [...columns.map((c) => where[c]), afterId]), isoDates);
}

/** Page SELECTs per select list (ALL_COLUMNS: `*`), then by data source, entity, mode, limit and filter columns: made once (building one was ≈5 µs of a page). */
const pageSqls = new WeakMap<readonly string[], RowSqls>();
const ALL_COLUMNS: readonly string[] = [];

function pageSql(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  columns: string[],
  limit: number,
  select: readonly string[] | undefined,
  isoDates: boolean,
): string {
  const key = `${isoDates ? 'iso ' : ''}${limit} ${columns.join(',')}`;
  return rowSql(sqlsOf(pageSqls, select ?? ALL_COLUMNS), dataSource, target, key, (driver, table) => {
    const conditions = [...columns.map((c) => `${driver.escape(c)} = ?`), `${driver.escape('id')} > ?`].join(' AND ');
    const list = selectList(dataSource, dataSource.getMetadata(target), select, isoDates);
    return `SELECT ${list} FROM ${table} WHERE ${conditions} ORDER BY ${driver.escape('id')} LIMIT ${limit}`;
  });
}

/** `*`, or the `select` columns (with `isoDates`, plain datetime ones as their stored text). */
function selectList(dataSource: DataSource, metadata: EntityMetadata, select: readonly string[] | undefined, isoDates: boolean): string {
  if (!select) return '*';
  const driver = dataSource.driver;
  const entry = (c: string) =>
    isoDates && isStoredDatetime(metadata.findColumnWithDatabaseName(c)) ? datetimeAsStoredText(driver.options.type, driver.escape(c)) : driver.escape(c);
  return select.map(entry).join(', ');
}

/** A plain datetime column: one that both drivers can hand over as stored text. */
const isStoredDatetime = (c: ColumnMetadata | undefined): boolean => Boolean(c && c.type === 'datetime' && !c.transformer && !c.embeddedMetadata);

/** Column types both drivers hydrate as they come (no conversion) when no transformer is set. */
const AS_STORED = new Set(['varchar', 'text', 'integer', 'int']);

type Hydrator = (row: unknown[]) => ObjectLiteral;
/** Per entity, by the column order's text. */
const hydrators = new WeakMap<object, Map<string, Hydrator>>();

/**
 * Per entity and column order, once: plain columns copied as they come, the rest (dates,
 * booleans, transformers, embedded or virtual columns) through the driver's own conversion.
 * Asking the driver for every column of every row was most of a 50-row page's hydration.
 */
function hydratorFor(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, order: readonly string[], isoDates: boolean): Hydrator {
  // The column list is the same array on every call of a kept statement (raw-rows.ts): found without joining it.
  const known = lastHydrator.get(order);
  if (known && known.dataSource === dataSource && known.target === target && known.isoDates === isoDates) return known.hydrator;
  const hydrator = hydratorByOrder(dataSource, target, order, isoDates);
  lastHydrator.set(order, { dataSource, target, isoDates, hydrator });
  return hydrator;
}

/** By the kept statement's column array: the hydrator last made for it, and for which entity and mode. */
const lastHydrator = new WeakMap<readonly string[], { dataSource: DataSource; target: unknown; isoDates: boolean; hydrator: Hydrator }>();

/** `isoDates`: plain datetime columns become isoUtc's text (findViewPageAfter), not Dates. */
function hydratorByOrder(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, order: readonly string[], isoDates: boolean): Hydrator {
  const metadata = dataSource.getMetadata(target);
  let byOrder = hydrators.get(metadata);
  if (!byOrder) hydrators.set(metadata, (byOrder = new Map()));
  const key = `${isoDates ? 'iso:' : ''}${order.join(',')}`;
  const made = byOrder.get(key);
  if (made) return made;
  const driver = dataSource.driver;
  const at = (c: ColumnMetadata) => order.indexOf(c.databaseName);
  const isPlain = (c: ColumnMetadata) => typeof c.type === 'string' && AS_STORED.has(c.type) && !c.transformer && !c.embeddedMetadata && !c.isVirtual;
  // A column the SELECT left out stays as the entity starts (undefined): reading row[-1] for it was a slow named lookup per row.
  const selected = (c: ColumnMetadata) => at(c) >= 0;
  const copied = metadata.columns.filter((c) => isPlain(c) && selected(c)).map((c) => [c.propertyName, at(c)] as const);
  // SQLite's datetime text, read here without the driver (storedUtcDatetime); mysql2 answers Dates itself.
  const sqliteDatetime = (c: ColumnMetadata) => driver.options.type === 'better-sqlite3' && c.type === 'datetime' && !c.transformer;
  const asIso = (c: ColumnMetadata) => isoDates && isStoredDatetime(c);
  const converted = metadata.columns.filter((c) => !isPlain(c) && !asIso(c) && selected(c)).map((c) => [c, at(c), sqliteDatetime(c)] as const);
  const iso = metadata.columns.filter((c) => asIso(c) && selected(c)).map((c) => [c, at(c)] as const);
  const hydrator: Hydrator = (row) => {
    const entity = metadata.create() as Record<string, unknown>;
    // Indexed loops: for-of with destructuring ran an array iterator per column of every row.
    for (let k = 0; k < copied.length; k++) entity[copied[k][0]] = row[copied[k][1]];
    for (let k = 0; k < iso.length; k++) {
      const value = row[iso[k][1]];
      entity[iso[k][0].propertyName] = value === null ? null : (storedUtcIso(value) ?? isoUtc(driver.prepareHydratedValue(value, iso[k][0]) as Date));
    }
    for (let k = 0; k < converted.length; k++) {
      const c = converted[k][0];
      const i = converted[k][1];
      const datetime = converted[k][2];
      c.setEntityValue(entity, (datetime && storedUtcDatetime(row[i])) || driver.prepareHydratedValue(row[i], c));
    }
    return entity;
  };
  byOrder.set(key, hydrator);
  return hydrator;
}

function hydrated<E extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, table: RawTable, isoDates = false): E[] {
  const hydrate = hydratorFor(dataSource, target, table.columns, isoDates);
  return table.rows.map((row) => hydrate(row) as E);
}
