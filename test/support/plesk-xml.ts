import assert from 'node:assert/strict';
import { child, parsePacket, XmlElement } from '../../src/dialects/plesk-xml/xml-codec';
import { CallResult, TestApp } from './test-app';

export const AGENT = '/enterprise/control/agent.php';

/** A packet as the WHMCS module builds it: declaration, packet version, the operator XML inside. */
export const packet = (inner: string, version = '1.6.3.0') => `<?xml version="1.0" encoding="UTF-8"?><packet version="${version}">${inner}</packet>`;

export interface XmlAnswer {
  call: CallResult;
  root: XmlElement;
}

/** POSTs a packet with the WHMCS module's headers (HTTP_AUTH_LOGIN/PASSWD, text/xml); reads the answer. */
export async function agent(
  t: TestApp,
  token: string,
  body: string,
  headers: Record<string, string> = { HTTP_AUTH_LOGIN: 'admin', HTTP_AUTH_PASSWD: token },
): Promise<XmlAnswer> {
  const call = await t.call('POST', AGENT, { token: null, rawBody: body, headers: { 'content-type': 'text/xml', ...headers } });
  assert.equal(call.status, 200, call.text);
  assert.match(String(call.headers['content-type']), /^text\/xml/);
  return { call, root: parsePacket(call.text) };
}

/** The element at a slash path, e.g. `customer/add/result`. */
export function at(root: XmlElement, path: string): XmlElement {
  let node: XmlElement | undefined = root;
  for (const part of path.split('/')) {
    node = child(node, part);
    assert.ok(node, `no ${path} in the answer`);
  }
  return node!;
}

export const all = (element: XmlElement, name: string): XmlElement[] => element.children.filter((c) => c.name === name);
export const text = (root: XmlElement, path: string): string => at(root, path).text;

/** A result's status, errcode and errtext. */
export function expectOk(result: XmlElement): void {
  assert.equal(child(result, 'status')?.text, 'ok', `not ok: ${child(result, 'errcode')?.text} ${child(result, 'errtext')?.text}`);
}

export function expectError(result: XmlElement, errcode: number): void {
  assert.equal(child(result, 'status')?.text, 'error');
  assert.equal(child(result, 'errcode')?.text, String(errcode), child(result, 'errtext')?.text);
  assert.ok(child(result, 'errtext')?.text);
}

/** The `<system>` error answer of a refused packet. */
export function expectSystemError(root: XmlElement, errcode: number): void {
  const system = at(root, 'system');
  expectError(system, errcode);
}
