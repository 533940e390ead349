import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The users and groups that already exist on a host, read from its /etc/passwd and /etc/group
 * at each check (a package installed since the panel started counts). A hosting username must be
 * neither: `useradd -U` would fail on a group, and a pool or a mailbox named after an existing
 * identity would act as it. The grammar's reserved list (grammar/usernames.ts) covers the names
 * a package would add later.
 */
export function hostIdentityProblem(username: string, roots: readonly string[] = ['/']): string | null {
  for (const root of roots) {
    for (const [file, what] of [
      ['etc/passwd', 'user'],
      ['etc/group', 'group'],
    ] as const) {
      if (namesIn(join(root, file)).has(username)) return `username ${username} is taken by a system ${what} of this server`;
    }
  }
  return null;
}

function namesIn(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
  return new Set(
    text
      .split('\n')
      .map((line) => line.split(':', 1)[0])
      .filter(Boolean),
  );
}
