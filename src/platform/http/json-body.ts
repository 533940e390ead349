import { DomainError } from '../../common/errors/domain-error';

/** Deeper than any body we accept; the limit keeps recursive walkers (class-transformer, canonical JSON) off the stack's edge. */
export const MAX_JSON_DEPTH = 32;

/**
 * The one JSON body parser of every dialect. A bodiless request is bodiless whatever its
 * content type (REST clients send `Content-Type: application/json` on DELETE). What JSON.parse
 * would quietly accept but we refuse: nesting past MAX_JSON_DEPTH and a key sent twice (last
 * would win). Refused bodies get 400 before anything walks them.
 */
export function parseJsonBody(raw: Buffer | string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('bad_request', 'The request body is not valid JSON');
  }
  checkShape(text);
  return value;
}

/** One pass over text already known to be valid JSON: depth and duplicate keys. */
function checkShape(text: string): void {
  const keys: (Set<string> | null)[] = []; // one entry per open container; null for arrays
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const seen = keys[keys.length - 1]!;
        if (seen.has(key)) throw new DomainError('bad_request', `The request body sends the key "${printable(key)}" twice`);
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      if (keys.length >= MAX_JSON_DEPTH) throw new DomainError('bad_request', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
      keys.push(c === '{' ? new Set() : null);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      keys.pop();
    } else if (c === ',') {
      expectKey = keys[keys.length - 1] instanceof Set;
    }
  }
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function printable(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
