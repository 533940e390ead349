import { createHash, createHmac, randomBytes } from 'node:crypto';

/** Headers a billing module sends: X-Timestamp (Unix seconds) and hex HMAC-SHA256(timestamp ‖ body) keyed with the token. */
export function signedHeaders(token: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', token).update(`${timestamp}${body}`).digest('hex');
  return { 'x-timestamp': String(timestamp), 'x-signature': signature, accept: 'application/json' };
}

/**
 * Version 2, written from the README as a client would (not with the server's code): hex
 * HMAC-SHA256(token, "hw2\nMETHOD\n/path?query\ntimestamp\nnonce\nsha256hex(body)").
 */
export function signedHeadersV2(
  token: string,
  method: string,
  target: string,
  body = '',
  timestamp = Math.floor(Date.now() / 1000),
  nonce = randomBytes(16).toString('hex'),
): Record<string, string> {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const canonical = `hw2\n${method.toUpperCase()}\n${target}\n${timestamp}\n${nonce}\n${bodyHash}`;
  const signature = createHmac('sha256', token).update(canonical).digest('hex');
  return { 'x-signature-version': '2', 'x-timestamp': String(timestamp), 'x-nonce': nonce, 'x-signature': signature, accept: 'application/json' };
}
