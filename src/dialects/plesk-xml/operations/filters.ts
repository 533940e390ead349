import { XmlApiError } from '../xml-api-error';
import { child, XmlElement, XmlNode, leaf, el } from '../xml-codec';
import { errorResult, XML_ERRCODES, xmlErrorOf } from '../xml-errors';

/** One value of a filter: `<login>jane</login>` → { key: 'login', value: 'jane' }. */
export interface FilterItem {
  key: string;
  value: string;
}

/**
 * A filter's items; an empty (or absent) filter is `null`: every object. Only `allowed` keys; any
 * other is a parse error (Plesk's schema refuses it before anything runs).
 */
export function filterItems(op: XmlElement, allowed: readonly string[]): FilterItem[] | null {
  const filter = child(op, 'filter');
  // `<filter/>` and `<filter><all/></filter>` (reseller-plan's form) both mean every object.
  if (!filter || filter.children.length === 0 || (filter.children.length === 1 && filter.children[0].name === 'all')) return null;
  return filter.children.map((c) => {
    if (!allowed.includes(c.name)) throw new XmlApiError(XML_ERRCODES.parse, `XML parsing error: filter by ${c.name} is not supported (use ${allowed.join(', ')})`);
    return { key: c.name, value: c.text };
  });
}

/**
 * Runs `work` for every object each filter item names (all objects for an empty filter), one
 * `<result>` per object in order; an item naming nothing answers 1013, a failing object answers its
 * own error, and the other items still run. An item for which `emptyIsOk` holds (an owner with no
 * webspaces) answers `ok` with its filter-id and no id when it selects nothing, as Plesk does:
 * WHMCS's terminate reads that as "the customer has no subscriptions left" and deletes it.
 */
export async function perObject<T extends { id: number }>(
  items: FilterItem[] | null,
  all: () => Promise<T[]>,
  find: (item: FilterItem) => Promise<T[]>,
  what: string,
  work: (row: T) => Promise<XmlNode[]>,
  emptyIsOk: (item: FilterItem) => boolean = () => false,
): Promise<XmlNode[]> {
  const results: XmlNode[] = [];
  const run = async (row: T, filterId: string) => {
    try {
      results.push(el('result', leaf('status', 'ok'), leaf('filter-id', filterId), leaf('id', row.id), ...(await work(row))));
    } catch (error) {
      results.push(errorResult(xmlErrorOf(error), leaf('filter-id', filterId), leaf('id', row.id)));
    }
  };
  if (items === null) {
    for (const row of await all()) await run(row, String(row.id));
    return results;
  }
  for (const item of items) {
    let rows: T[];
    try {
      rows = await find(item);
    } catch (error) {
      results.push(errorResult(xmlErrorOf(error), leaf('filter-id', item.value)));
      continue;
    }
    if (!rows.length && emptyIsOk(item)) results.push(el('result', leaf('status', 'ok'), leaf('filter-id', item.value)));
    else if (!rows.length) results.push(errorResult(new XmlApiError(XML_ERRCODES.notFound, `${what} does not exist`), leaf('filter-id', item.value)));
    for (const row of rows) await run(row, item.value);
  }
  return results;
}

/** A positive integer id, or null (an id that cannot exist finds nothing). */
export function idOf(text: string): number | null {
  return /^[1-9]\d{0,15}$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** The status code Plesk sends: 0, 16, 32… */
export function statusCode(text: string | undefined, field: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,4}$/.test(text)) throw new XmlApiError(XML_ERRCODES.operationFailed, `${field} must be a number (0 active, 16 disabled by admin)`);
  return Number(text);
}
