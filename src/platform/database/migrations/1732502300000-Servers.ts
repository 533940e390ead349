import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col, sqlNow } from '../columns';

/**
 * servers (issue #21): the fleet's web servers, each with its agent (agent_url null: the panel's
 * own, in-process or HW_AGENT_URL; only server 1 may be so), its addresses for the zones it hosts
 * and its capacity; the probe's last answer beside them. Server 1 is made here, so a one-server
 * install needs no setup and every existing account is on it (accounts.server_id, NOT NULL,
 * default 1). api_tokens.server_id pins a token's creates to a server; provisioning_cleanups.server_id says
 * whose agent a leftover's removal goes to. No foreign key on the two
 * new columns: SQLite's ADD COLUMN cannot carry one with a non-null default; ServersService
 * refuses to delete a server with accounts under the server row's lock instead.
 */
export class Servers1732502300000 implements MigrationInterface {
  name = 'Servers1732502300000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'servers',
        columns: [
          col.id(),
          { ...col.string('name', 64), isUnique: true },
          col.string('agent_url', 500, true),
          col.text('agent_secret_enc', true),
          col.string('ipv4', 15, true),
          col.string('ipv6', 45, true),
          col.text('nameservers'),
          col.int('capacity', true),
          col.string('state', 16),
          col.string('health_status', 16),
          col.date('last_seen_at', true),
          col.int('latency_ms', true),
          col.string('agent_version', 64, true),
          col.string('health_error', 500, true),
          col.date('probed_at', true),
          col.date('created_at'),
          col.date('updated_at'),
        ],
      }),
    );
    const now = sqlNow();
    await q.query(
      "INSERT INTO servers (id, name, agent_url, agent_secret_enc, ipv4, ipv6, nameservers, capacity, state, health_status, created_at, updated_at) VALUES (1, 'server-1', NULL, NULL, NULL, NULL, '[]', NULL, 'online', 'unknown', ?, ?)",
      [now, now],
    );
    await q.query('ALTER TABLE accounts ADD COLUMN server_id integer NOT NULL DEFAULT 1');
    await q.createIndex('accounts', new TableIndex({ name: 'ix_accounts_server', columnNames: ['server_id'] }));
    await q.query('ALTER TABLE api_tokens ADD COLUMN server_id integer NULL');
    await q.query('ALTER TABLE provisioning_cleanups ADD COLUMN server_id integer NOT NULL DEFAULT 1');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('provisioning_cleanups', 'server_id');
    await q.dropColumn('api_tokens', 'server_id');
    await q.dropIndex('accounts', 'ix_accounts_server');
    await q.dropColumn('accounts', 'server_id');
    await q.dropTable('servers');
  }
}
