import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PasswdTables } from '../../src/agent/system/passwd-database';
import { addUserWithGroup, LoginDefs, parseLoginDefs } from '../../src/agent/system/passwd-records';

const DEFS: LoginDefs = { ...parseLoginDefs('UID_MIN 1000\nUID_MAX 1010\nGID_MIN 1000\nGID_MAX 1010\n'), passMinDays: 0, passMaxDays: 99999, passWarnAge: 7 };
const USER = { name: 'alice', gecos: 'hostwright', home: '/home/alice', shell: '/bin/bash', passwordHash: '$6$salt$hash' };

function tables(passwd: string, group: string): PasswdTables {
  return { passwd, group, shadow: 'root:*:19000:0:99999:7:::\n', gshadow: 'root:*::\n' };
}

/** useradd's rule by splitting every line: the lowest id above every plain-number id in range, else the lowest free one. */
function referenceId(t: PasswdTables): number {
  const ids = [t.passwd!, t.group!].flatMap((text) =>
    text
      .split('\n')
      .map((line) => line.split(':')[2])
      .filter((field) => field !== undefined && /^\d+$/.test(field))
      .map(Number),
  );
  const inRange = ids.filter((id) => id >= 1000 && id <= 1010);
  const next = inRange.length ? Math.max(...inRange) + 1 : 1000;
  if (next <= 1010) return next;
  for (let id = 1000; id <= 1010; id++) if (!ids.includes(id)) return id;
  return -1;
}

test('the new id: above every id in use in UID_MIN..UID_MAX (passwd and group), malformed and NIS lines ignored, else the lowest free one', () => {
  const passwd =
    'root:x:0:0:root:/root:/bin/bash\nbob:x:1003:1003::/home/bob:/bin/sh\nodd:x:10x4:1::/:/bin/sh\nempty:x::1::/:/bin/sh\nfar:x:5000:5000::/:/bin/sh\n+::::::\n';
  assert.equal(addUserWithGroup(tables(passwd, 'root:x:0:\ngrp:x:1007:\n'), USER, DEFS), 1008);
  assert.equal(addUserWithGroup(tables(passwd, 'root:x:0:\n'), USER, DEFS), 1004);
  const full = Array.from({ length: 11 }, (_, i) => (i === 4 ? '' : `u${i}:x:${1000 + i}:${1000 + i}::/:/bin/sh\n`)).join('');
  assert.equal(addUserWithGroup(tables(full, 'root:x:0:\n'), USER, DEFS), 1004, 'the top is taken: the lowest free id');
  const pick = 'a:x:1000:1\nb:x:1010:1\n';
  assert.throws(
    () => addUserWithGroup(tables(`${pick}${Array.from({ length: 9 }, (_, i) => `c${i}:x:${1001 + i}:1\n`).join('')}`, 'root:x:0:\n'), USER, DEFS),
    /no free uid\/gid/,
  );
});

test('the new id agrees with splitting every line, over texts with random ids, malformed fields and missing colons', () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const fields = ['1000', '1005', '1010', '999', '1011', '', 'x1', '10a', '0', '1002'];
  for (let round = 0; round < 300; round++) {
    const text = () =>
      Array.from({ length: random(8) }, (_, i) =>
        random(6) === 0 ? `nis${i}` : `n${i}:x:${fields[random(fields.length)]}${random(4) === 0 ? '' : ':1::/:/bin/sh'}`,
      ).join('\n') + (random(2) ? '\n' : '');
    const t = tables(text(), text());
    const expected = referenceId(t);
    if (expected < 0) assert.throws(() => addUserWithGroup({ ...t }, USER, DEFS));
    else assert.equal(addUserWithGroup({ ...t }, USER, DEFS), expected, JSON.stringify(t));
  }
});

test('new lines go before the first NIS entry (+ or - at a line start), at the very start too, else at the end', () => {
  const middle = tables('root:x:0:0::/root:/bin/bash\n-@banned::::::\n+::::::\n', 'root:x:0:\n+:::\n');
  addUserWithGroup(middle, USER, DEFS);
  assert.equal(middle.passwd, 'root:x:0:0::/root:/bin/bash\nalice:x:1000:1000:hostwright:/home/alice:/bin/bash\n-@banned::::::\n+::::::\n');
  assert.equal(middle.group, 'root:x:0:\nalice:x:1000:\n+:::\n');
  const first = tables('+::::::\nroot:x:0:0::/root:/bin/bash', 'root:x:0:');
  addUserWithGroup(first, USER, DEFS);
  assert.equal(first.passwd, 'alice:x:1000:1000:hostwright:/home/alice:/bin/bash\n+::::::\nroot:x:0:0::/root:/bin/bash');
  assert.equal(first.group, 'root:x:0:\nalice:x:1000:\n', 'no trailing newline: one is added before the new line');
  assert.match(first.shadow!, /\nalice:\$6\$salt\$hash:\d+:0:99999:7:::\n$/);
  assert.equal(first.gshadow, 'root:*::\nalice:!::\n');
});
