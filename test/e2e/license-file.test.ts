import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/platform/config/env-reader';
import { canonicalJson, parsePublicKey, verifyLicenseText } from '../../src/license/license-file';
import { TestLicenseVendor } from '../support/licenses';

const vendor = new TestLicenseVendor();

test('canonical form: sorted keys, no whitespace; a re-indented, reordered file still verifies', () => {
  assert.equal(canonicalJson({ plan: 'pro', b: [2, { z: 1, a: 'é' }], a: undefined }), '{"b":[2,{"a":"é","z":1}],"plan":"pro"}');
  const doc = JSON.parse(vendor.issue({ server_id: 'web1' }));
  const reordered = { signature: doc.signature, payload: Object.fromEntries(Object.entries(doc.payload).reverse()) };
  const verified = verifyLicenseText(JSON.stringify(reordered, null, 4), vendor.publicKey, 'web1');
  assert.equal(verified.payload.server_id, 'web1');
  assert.throws(() => verifyLicenseText(JSON.stringify(reordered), vendor.publicKey, 'web2'), { problem: 'wrong_server' });
});

test('HW_LICENSE_PUBLIC_KEY accepts PEM (also with \\n escapes), a PEM file path, base64 DER and raw base64', () => {
  const pem = vendor.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const der = vendor.publicKey.export({ format: 'der', type: 'spki' });
  const file = join(mkdtempSync(join(tmpdir(), 'hw-key-')), 'public.pem');
  writeFileSync(file, pem);
  const text = vendor.issue();
  for (const form of [pem, pem.replace(/\n/g, '\\n'), file, der.toString('base64'), der.subarray(12).toString('base64')]) {
    assert.equal(verifyLicenseText(text, parsePublicKey(form)).payload.plan, 'pro', form);
  }
  for (const bad of ['not a key', 'AAAA', '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----']) {
    assert.throws(
      () => parsePublicKey(bad),
      (e: Error) => e instanceof ConfigError && /HW_LICENSE_PUBLIC_KEY/.test(e.message),
    );
  }
});
