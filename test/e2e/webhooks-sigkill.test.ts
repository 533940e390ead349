import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { killLeftovers, RunningServer, startServer } from '../support/spawn-server';
import { REPO_ROOT } from '../support/test-app';
import { createTestDatabase, queryPanelDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

after(killLeftovers);

/**
 * The real process (`node dist/hostwright.js`) killed with SIGKILL in the middle of a burst of
 * client changes, then started again on the same database: every change that was committed
 * (every row in the outbox, every 2xx the API answered) reaches the receiver, exactly once after
 * deduplication by webhook-id, in order per client; nothing else arrives.
 */
test('SIGKILL mid-burst, restart on the same database: every committed change delivered once (after dedup), in order, nothing invented', async () => {
  const receiver = await WebhookReceiver.start();
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'hw-webhooks-kill-'));
  const env = {
    HW_TLS: 'false',
    HW_DATA_DIR: dataDir,
    HW_ROOT_DIR: join(dataDir, 'root'),
    HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
    DATABASE_URL: database.url ?? '',
    HW_RATE_LIMIT: '1000000',
    HW_WEBHOOK_POLL_MS: '50',
    HW_WEBHOOK_RETRY_BASE_MS: '200',
    HW_WEBHOOK_RETRY_MAX_MS: '500',
    HW_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
  };
  let panel: RunningServer | undefined = await startServer(env, { inheritEnv: false, cwd: dataDir });
  try {
    const token = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(panel.stdout())![1];
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; data: any }> => {
      const response = await fetch(`http://127.0.0.1:${panel!.port}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, data: ((await response.json().catch(() => ({}))) as { data?: unknown }).data };
    };
    const hook = await call('POST', '/api/v1/webhooks', { url: receiver.url, event_types: ['client.created', 'client.updated', 'client.deleted'] });
    assert.equal(hook.status, 201);
    receiver.secret = hook.data.secret;
    // A slow receiver: deliveries lag behind the commits, so the kill finds some pending and one in flight.
    receiver.answer = () => ({ status: 200, delayMs: 40 });

    const answered: { client: number; type: string }[] = [];
    const burst = Array.from({ length: 12 }, async (_, i) => {
      const login = `kill${process.pid.toString(36)}n${i}`;
      const created = await call('POST', '/api/v1/clients', { name: `Kill ${i}`, login, email: `${login}@example.com`, password: 'client-pass' });
      if (created.status !== 201) return;
      answered.push({ client: created.data.id, type: 'client.created' });
      for (const company of ['One', 'Two', 'Three']) {
        const updated = await call('PATCH', `/api/v1/clients/${created.data.id}`, { company });
        if (updated.status === 200) answered.push({ client: created.data.id, type: 'client.updated' });
      }
      if ((await call('DELETE', `/api/v1/clients/${created.data.id}`)).status === 204) answered.push({ client: created.data.id, type: 'client.deleted' });
    });
    const settled = Promise.allSettled(burst);
    await waitFor(() => answered.length >= 20 && receiver.arrivals.length >= 3, 'the burst under way');
    panel.process.kill('SIGKILL');
    await panel.exited;
    await settled;
    panel = undefined;
    assert.ok(answered.length < 60, 'the kill came mid-burst');

    const committed = await queryPanelDatabase(database, dataDir, "SELECT event_id, type, resource_key FROM outbox_events WHERE type LIKE 'client.%' ORDER BY id");
    const beforeRestart = receiver.unique().length;
    assert.ok(beforeRestart < committed.length, `some events were still to deliver at the kill (${beforeRestart} of ${committed.length})`);

    panel = await startServer(env, { inheritEnv: false, cwd: dataDir });
    await waitFor(() => receiver.unique().length >= committed.length, 'every committed event after the restart', 30_000);

    const received = receiver.unique();
    assert.equal(receiver.rejected, 0);
    assert.deepEqual(new Set(received.map((e) => e.id)), new Set(committed.map((row) => row.event_id)), 'exactly the committed events');
    for (const { client, type } of answered) {
      assert.ok(
        received.some((e) => e.type === type && e.payload.data.id === client),
        `${type} of client ${client} (answered 2xx) was delivered`,
      );
    }
    for (const key of new Set(committed.map((row) => String(row.resource_key)))) {
      const order = committed.filter((row) => row.resource_key === key).map((row) => row.event_id);
      assert.deepEqual(
        received.filter((e) => `client:${e.payload.data.id}` === key).map((e) => e.id),
        order,
        `${key} in commit order`,
      );
    }
  } finally {
    if (panel && panel.process.exitCode === null) {
      panel.process.kill('SIGKILL');
      await panel.exited;
    }
    await receiver.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
