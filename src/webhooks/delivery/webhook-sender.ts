import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupAddress } from 'node:dns';
import { Webhook } from 'standardwebhooks';
import { WebhooksConfig } from '../../platform/config/app-config';
import { Destination } from './destination-guard';

/** What one attempt got: a status (any, 3xx included: redirects are not followed), or an error; and how long it took. */
export interface AttemptOutcome {
  status: number | null;
  error: string | null;
  latencyMs: number;
  /** Stopped by our own shutdown: not an answer of the receiver, nothing to record. */
  aborted: boolean;
}

export interface SignedMessage {
  eventId: string;
  payload: string;
  secret: string;
}

/** Read at most this much of an answer (then the connection is dropped): only the status counts. */
const MAX_RESPONSE_BYTES = 4096;

/**
 * One POST to a checked destination, signed as Standard Webhooks defines (webhook-id, -timestamp,
 * -signature, by the `standardwebhooks` library). It connects to the address that was checked,
 * never resolving the name again, so a name that changes its answer (DNS rebinding) cannot move
 * it; TLS still verifies the certificate against the name.
 */
export class WebhookSender {
  constructor(private readonly config: Pick<WebhooksConfig, 'connectTimeoutMs' | 'timeoutMs'>) {}

  static sign(message: SignedMessage, at: Date): Record<string, string> {
    return {
      'webhook-id': message.eventId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(message.secret).sign(message.eventId, at, message.payload),
    };
  }

  send(destination: Destination, message: SignedMessage, stop: AbortSignal): Promise<AttemptOutcome> {
    const started = Date.now();
    const body = Buffer.from(message.payload, 'utf8');
    const { url, address, family } = destination;
    const pinned = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
      if (options.all) callback(null, [{ address, family } satisfies LookupAddress]);
      else callback(null, address, family);
    };
    const total = AbortSignal.timeout(this.config.timeoutMs);
    const signal = AbortSignal.any([total, stop]);
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const finish = (status: number | null, error: string | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        resolve({ status, error, latencyMs: Date.now() - started, aborted: stop.aborted });
      };
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: false,
          lookup: pinned as never,
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'Hostwright-Webhooks/1',
            ...WebhookSender.sign(message, new Date()),
          },
        },
        (response: IncomingMessage) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read >= MAX_RESPONSE_BYTES) {
              response.destroy();
              finish(response.statusCode ?? null, null);
            }
          });
          response.on('end', () => finish(response.statusCode ?? null, null));
          response.on('error', () => finish(response.statusCode ?? null, null));
          response.on('close', () => finish(response.statusCode ?? null, null));
        },
      );
      const connectTimer = setTimeout(() => request.destroy(new Error(`no connection within ${this.config.connectTimeoutMs} ms`)), this.config.connectTimeoutMs);
      request.on('socket', (socket) => socket.once('connect', () => clearTimeout(connectTimer)));
      request.on('error', (error: Error) => {
        const reason = total.aborted ? `no answer within ${this.config.timeoutMs} ms` : error.message;
        finish(null, reason.slice(0, 300));
      });
      request.end(body);
    });
  }
}
