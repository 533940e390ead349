import assert from 'node:assert/strict';
import { connect, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SpawnedPanel } from '../support/spawned-panel';
import { waitFor } from '../support/wait-for';

/** A raw HTTP/1.1 exchange we can pause between headers and body. */
class RawRequest {
  received = '';
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => (this.received += chunk.toString()));
  }

  static open(port: number): Promise<RawRequest> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawRequest(socket)));
      socket.once('error', reject);
    });
  }

  /** The final response once its body is complete: status, headers (lower-case) and body. */
  response(): { status: number; headers: Record<string, string>; body: string } | undefined {
    const start = this.received.lastIndexOf('HTTP/1.1 ');
    const split = this.received.indexOf('\r\n\r\n', start);
    if (start < 0 || split < 0 || this.received.startsWith('HTTP/1.1 100', start)) return undefined;
    const [statusLine, ...lines] = this.received.slice(start, split).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const body = this.received.slice(split + 4);
    if (Buffer.byteLength(body) < Number(headers['content-length'] ?? 0)) return undefined;
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('the real process: JSON logs and graceful shutdown', () => {
  let panel: SpawnedPanel;
  before(async () => {
    panel = await SpawnedPanel.start();
  });
  after(() => panel.cleanUp());

  test('SIGTERM lets a request in flight finish, then the process exits 0; logs are JSON with request ids and no secrets', async () => {
    const token = panel.firstToken;
    const metrics = await fetch(`${panel.url}/metrics`);
    assert.equal(metrics.status, 200, 'without HW_METRICS_TOKEN /metrics is open');
    const listed = await fetch(`${panel.url}/api/v1/packages`, { headers: { 'x-api-key': token, 'x-request-id': 'listing-1' } });
    assert.equal(listed.status, 200);

    const body = JSON.stringify({ name: 'in-flight', scopes: ['packages:read'] });
    const request = await RawRequest.open(panel.port);
    request.socket.write(
      'POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${token}\r\nX-Request-Id: in-flight-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await waitFor(() => request.received.startsWith('HTTP/1.1 100'), '100 Continue: the server holds the request', 15_000);

    panel.child.kill('SIGTERM');
    await waitFor(() => panel.stdout.includes('SIGTERM: finishing requests in flight'), 'the shutdown to begin', 15_000);
    await waitFor(() => refusesConnections(panel.port), 'the listener to close', 15_000);
    request.socket.write(body);

    const response = await waitFor(() => request.response(), 'the in-flight response', 15_000);
    assert.equal(response.status, 201, response.body);
    const secret: string = JSON.parse(response.body).data.token;
    assert.match(secret, /^hw_/);
    assert.equal(response.headers['x-request-id'], 'in-flight-1');
    assert.deepEqual(await panel.exited, { code: 0, signal: null });

    const lines = panel.logLines();
    const requests = lines.filter((l) => l.msg === 'request');
    assert.deepEqual(
      requests.filter((l) => l.url !== '/health').map((l) => [l.reqId, l.method, l.route, l.status]),
      [
        [requests.find((l) => l.url === '/metrics')?.reqId, 'GET', '/metrics', 200],
        ['listing-1', 'GET', '/api/v1/packages', 200],
        ['in-flight-1', 'POST', '/api/v1/tokens', 201],
      ],
    );
    assert.ok(requests.every((l) => typeof l.reqId === 'string' && l.reqId.length > 0));
    const logText = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const forbidden of [token, secret, 'authorization', 'x-api-key']) assert.ok(!logText.toLowerCase().includes(forbidden.toLowerCase()), `log leaks ${forbidden}`);
  });
});
