import { TableColumnOptions } from 'typeorm';

/** Column builders for hand-written migrations that serve SQLite and MariaDB alike. */
export const col = {
  id: (name = 'id'): TableColumnOptions => ({
    name,
    type: 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  }),
  int: (name: string, nullable = false, dflt?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, default: dflt }),
  bigint: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
  string: (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable }),
  text: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  bool: (name: string, dflt = false): TableColumnOptions => ({ name, type: 'boolean', default: dflt ? 1 : 0 }),
  date: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', isNullable: nullable }),
};

/** A UTC time as a literal both dialects store in (and compare with) a datetime column. */
export function sqlDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

/** The current UTC time as a literal both dialects store in a datetime column. */
export function sqlNow(): string {
  return sqlDatetime(new Date());
}
