import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DnsZoneStore, zoneRecords } from '../../src/agent/system/dns-zone';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { DatabaseService } from '../../src/platform/database/database.service';
import { onMariaDb } from '../support/test-database';

/** Another process writing to the same SQLite file in a tight loop: the panel, as the agent daemon sees it. */
const HAMMER = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { timeout: 5000 });
db.pragma('busy_timeout = 5000');
db.exec('CREATE TABLE IF NOT EXISTS hammer (x INTEGER)');
const insert = db.prepare('INSERT INTO hammer (x) VALUES (?)');
const stop = Date.now() + Number(process.argv[3]);
let n = 0;
const tick = () => { if (Date.now() > stop) { process.stdout.write(String(n)); return; } insert.run(n++); setImmediate(tick); };
tick();
`;

describe(
  'SQLite shared by two processes (agent daemon and panel): a transaction never fails with "database is locked"',
  { skip: onMariaDb() ? 'SQLite only' : false },
  () => {
    let dir: string;
    let ds: DataSource;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hw-contention-'));
      ds = new DataSource(dataSourceOptions({ type: 'sqlite', path: join(dir, 'shared.sqlite') }));
      await ds.initialize();
    });
    after(async () => {
      await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    test('DNS zone writes (read, then write, in one transaction) while another process writes the file', async () => {
      const hammer = spawn(process.execPath, ['-e', HAMMER, require.resolve('better-sqlite3'), join(dir, 'shared.sqlite'), '4000'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let written = '';
      hammer.stdout.on('data', (c) => (written += c));
      const exited = new Promise((resolve) => hammer.once('exit', resolve));
      const zones = new DnsZoneStore(new DatabaseService(ds));
      const settings = { serverIp: '192.0.2.1', nameservers: ['ns1.example.net'] };
      const failures: string[] = [];
      const stop = Date.now() + 3000;
      let done = 0;
      while (Date.now() < stop) {
        const domain = `zone${done}.example.org`;
        try {
          await zones.create(domain, `acct${done}`, zoneRecords(domain, settings));
          await zones.remove(domain);
        } catch (error) {
          failures.push((error as Error).message);
        }
        done++;
      }
      await exited;
      assert.ok(Number(written) > 0 && done > 0, `both sides wrote (${written} / ${done})`);
      assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of ${done} zone writes failed`);
    });
  },
);
