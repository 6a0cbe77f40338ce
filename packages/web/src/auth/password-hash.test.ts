import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './password-hash.js';

test('a password verifies against its hash and a wrong one does not', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.match(stored, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('two hashes of one password differ (fresh salt each time)', async () => {
  const first = await hashPassword('same password');
  const second = await hashPassword('same password');
  assert.notEqual(first, second);
  assert.equal(await verifyPassword('same password', second), true);
});

test('hashes made with other parameters keep verifying after the defaults change', async () => {
  const older = await hashPassword('legacy secret', { N: 2 ** 14, r: 8, p: 1 });
  assert.match(older, /^scrypt\$16384\$/);
  assert.equal(await verifyPassword('legacy secret', older), true);
});

test('tampered or malformed hashes never match', async () => {
  const stored = await hashPassword('secret one');
  const parts = stored.split('$');
  parts[5] = Buffer.alloc(32, 1).toString('base64url');
  assert.equal(await verifyPassword('secret one', parts.join('$')), false);
  assert.equal(await verifyPassword('secret one', 'plain-text-password'), false);
  assert.equal(await verifyPassword('secret one', 'scrypt$1e9$8$1$abc$def'), false);
});
