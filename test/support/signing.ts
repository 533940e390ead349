import { createHmac } from 'node:crypto';

/** Headers a billing module sends: X-Timestamp (Unix seconds) and hex HMAC-SHA256(timestamp ‖ body) keyed with the token. */
export function signedHeaders(token: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', token).update(`${timestamp}${body}`).digest('hex');
  return { 'x-timestamp': String(timestamp), 'x-signature': signature, accept: 'application/json' };
}
