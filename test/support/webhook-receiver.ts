import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  id: string;
  timestamp: number;
  /** When it arrived (ms), for the retry gaps. */
  at: number;
  type: string;
  payload: { type: string; timestamp: string; data: any; actor: any; request_id: string | null };
}

/** What the receiver answers a request: a status (and headers), after delayMs (a slow receiver); or nothing at all (a stalled one). */
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'stall';

/**
 * A webhook receiver as a billing system would run one: a node http server on loopback that
 * verifies each request with the standardwebhooks library (a bad signature is answered 401 and not
 * kept) and keeps the verified events. `answer` decides each response (200 by default).
 */
export class WebhookReceiver {
  /** The verified requests it acknowledged (2xx). */
  readonly events: ReceivedEvent[] = [];
  /** Every verified request, whatever it was answered. */
  readonly arrivals: ReceivedEvent[] = [];
  /** Every request that arrived, verified or not. */
  requests = 0;
  rejected = 0;
  answer: (event: ReceivedEvent) => Answer = () => ({ status: 200 });
  secret = '';
  private readonly stalled = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => receiver.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** The verified events, once per webhook-id (the deduplication a receiver does), in arrival order. */
  unique(): ReceivedEvent[] {
    const seen = new Set<string>();
    return this.events.filter((event) => (seen.has(event.id) ? false : (seen.add(event.id), true)));
  }

  ofResource(key: string): string[] {
    return this.unique()
      .filter((event) => `${event.type.split('.')[0]}:${event.payload.data.id}` === key)
      .map((event) => event.type);
  }

  async close(): Promise<void> {
    for (const response of this.stalled) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: ReceivedEvent['payload'];
      try {
        payload = new Webhook(this.secret).verify(body, request.headers as Record<string, string>) as ReceivedEvent['payload'];
      } catch {
        this.rejected += 1;
        response.writeHead(401).end();
        return;
      }
      const event: ReceivedEvent = {
        id: String(request.headers['webhook-id']),
        timestamp: Number(request.headers['webhook-timestamp']),
        at: Date.now(),
        type: payload.type,
        payload,
      };
      this.arrivals.push(event);
      const answer = this.answer(event);
      if (answer === 'stall') {
        this.stalled.add(response);
        response.on('close', () => this.stalled.delete(response));
        return;
      }
      const respond = (): void => {
        // Kept only when answered 2xx: what the receiver acknowledged.
        if (answer.status >= 200 && answer.status < 300) this.events.push(event);
        response.writeHead(answer.status, answer.headers).end('{"ok":true}');
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  }
}
