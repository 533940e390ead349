import { PasswdTables } from './passwd-database';

/** What useradd reads from login.defs for a new user; unset numbers are -1 (an empty shadow field). */
export interface LoginDefs {
  uidMin: number;
  uidMax: number;
  gidMin: number;
  gidMax: number;
  passMinDays: number;
  passMaxDays: number;
  passWarnAge: number;
  /** SHA_CRYPT_MIN_ROUNDS (else MAX): the rounds chpasswd would use; undefined = crypt's default. */
  shaRounds?: number;
}

export function parseLoginDefs(text: string | null): LoginDefs {
  const values = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*([A-Z_]+)\s+(\S+)/.exec(line);
    if (m) values.set(m[1], m[2]);
  }
  const num = (key: string, fallback: number) => {
    const n = Number(values.get(key));
    return values.has(key) && Number.isInteger(n) ? n : fallback;
  };
  const rounds = num('SHA_CRYPT_MIN_ROUNDS', num('SHA_CRYPT_MAX_ROUNDS', -1));
  return {
    uidMin: num('UID_MIN', 1000),
    uidMax: num('UID_MAX', 60000),
    gidMin: num('GID_MIN', 1000),
    gidMax: num('GID_MAX', 60000),
    passMinDays: num('PASS_MIN_DAYS', -1),
    passMaxDays: num('PASS_MAX_DAYS', -1),
    passWarnAge: num('PASS_WARN_AGE', -1),
    shaRounds: rounds > 0 ? rounds : undefined,
  };
}

export interface NewUser {
  name: string;
  gecos: string;
  home: string;
  shell: string;
  /** useradd -p: a crypt(3) hash for shadow; absent, a locked password (`!`). */
  passwordHash?: string;
}

/** Where the line of `name` starts in a passwd-format text, -1 if there is none. */
export function lineStart(text: string, name: string): number {
  if (text.startsWith(`${name}:`)) return 0;
  const at = text.indexOf(`\n${name}:`);
  return at < 0 ? -1 : at + 1;
}
const has = (text: string | null | undefined, name: string) => text != null && lineStart(text, name) >= 0;

/**
 * Every line's third field (uid or gid) that is a plain number, one pass over the text: the
 * digits read in place (a Set and a slice per line were ≈1.5 ms of a create at 10,000 users).
 */
function idsIn(text: string): number[] {
  const ids: number[] = [];
  for (let at = 0; at < text.length;) {
    const end = text.indexOf('\n', at) >>> 0; // no newline: -1 >>> 0, past the end
    const a = text.indexOf(':', at);
    const b = a < 0 ? -1 : text.indexOf(':', a + 1);
    if (b >= 0 && b < end) {
      const c = text.indexOf(':', b + 1);
      const stop = c < 0 || c > end ? Math.min(end, text.length) : c;
      let id = stop > b + 1 ? 0 : NaN;
      for (let i = b + 1; i < stop && !Number.isNaN(id); i++) {
        const digit = text.charCodeAt(i) - 48;
        id = digit >= 0 && digit <= 9 ? id * 10 + digit : NaN;
      }
      if (!Number.isNaN(id)) ids.push(id);
    }
    at = end + 1;
  }
  return ids;
}

/** Days since the epoch, as shadow's last-change field counts them. */
export const today = () => Math.floor(Date.now() / 86_400_000);
const field = (n: number) => (n < 0 ? '' : String(n));

/**
 * `useradd -M -U`: the user, its own group with the same id (the lowest above every id in use
 * in UID_MIN..UID_MAX, else the lowest free one), the given hash or a locked password (`!`). New lines go before
 * NIS entries (`+`/`-`), as shadow-utils puts them. Returns the uid (= gid).
 */
export function addUserWithGroup(t: PasswdTables, user: NewUser, defs: LoginDefs): number {
  if (has(t.passwd, user.name) || has(t.shadow, user.name)) throw new Error(`system user ${user.name} already exists`);
  if (has(t.group, user.name) || has(t.gshadow, user.name)) throw new Error(`system group ${user.name} already exists`);
  if (user.passwordHash !== undefined && !/^\$[^:\s]+$/.test(user.passwordHash)) throw new Error('a password hash must be one crypt(3) field');
  const min = Math.max(defs.uidMin, defs.gidMin);
  const max = Math.min(defs.uidMax, defs.gidMax);
  const ids = [...idsIn(t.passwd!), ...idsIn(t.group!)];
  let highest = min - 1;
  for (const id of ids) if (id >= min && id <= max && id > highest) highest = id;
  let id = highest + 1;
  if (id > max) {
    const used = new Set(ids);
    for (id = min; id <= max && used.has(id); id++);
    if (id > max) throw new Error(`no free uid/gid left in ${min}..${max}`);
  }
  const shadow = `${user.name}:${user.passwordHash ?? '!'}:${today()}:${field(defs.passMinDays)}:${field(defs.passMaxDays)}:${field(defs.passWarnAge)}:::`;
  t.passwd = insertBeforeNis(t.passwd!, `${user.name}:x:${id}:${id}:${user.gecos}:${user.home}:${user.shell}`);
  t.group = insertBeforeNis(t.group!, `${user.name}:x:${id}:`);
  if (t.shadow != null) t.shadow = insertBeforeNis(t.shadow, shadow);
  if (t.gshadow != null) t.gshadow = insertBeforeNis(t.gshadow, `${user.name}:!::`);
  return id;
}

/** chpasswd -e: the hash into shadow field 2, today into the last-change field. */
export function setShadowHash(t: PasswdTables, name: string, hash: string): void {
  const at = t.shadow == null ? -1 : lineStart(t.shadow, name);
  if (t.shadow == null || at < 0) throw new Error(`system user ${name} has no shadow entry`);
  const end = t.shadow.indexOf('\n', at) >>> 0;
  const fields = t.shadow.slice(at, end).split(':');
  fields[1] = hash;
  fields[2] = String(today());
  t.shadow = t.shadow.slice(0, at) + fields.join(':') + t.shadow.slice(end);
}

/** A new line before the first NIS entry (`+`/`-` at a line start), else at the end. */
function insertBeforeNis(text: string, line: string): string {
  const nis = firstLineStartingWith(text, '+', '-');
  if (nis >= 0) return `${text.slice(0, nis)}${line}\n${text.slice(nis)}`;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/** Where the first line starting with one of `marks` starts, -1 if none: indexOf, not a multiline regex over 10,000 lines. */
function firstLineStartingWith(text: string, ...marks: string[]): number {
  let first = -1;
  for (const mark of marks) {
    const after = text.indexOf(`\n${mark}`);
    const start = text.startsWith(mark) ? 0 : after < 0 ? -1 : after + 1;
    if (start >= 0 && (first < 0 || start < first)) first = start;
  }
  return first;
}
