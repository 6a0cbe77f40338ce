import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { readAllBytes } from '../body.js';
import { runObjectStoreContract } from '../testing/object-store-contract.js';
import { randomBody } from '../testing/bodies.js';
import { createFileObjectStore } from './file-object-store.js';

let contractRoot: string;
runObjectStoreContract(
  'file (a folder on disk)',
  async ({ maxObjectBytes }) => {
    contractRoot ??= await mkdtemp(join(tmpdir(), 'homelab-objects-'));
    return createFileObjectStore({
      rootDir: contractRoot,
      ...(maxObjectBytes === undefined ? {} : { maxObjectBytes }),
    });
  },
  () => rm(contractRoot, { recursive: true, force: true }),
);

describe('file object store on disk', () => {
  let rootDir: string;
  before(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'homelab-objects-'));
  });
  after(() => rm(rootDir, { recursive: true, force: true }));

  it('keeps "a", "a-b" and "a/b" apart and lists them in S3 order', async () => {
    const store = createFileObjectStore({ rootDir: join(rootDir, 'order') });
    for (const key of ['a/b', 'a', 'a-b', 'a/b/c', 'a0'])
      await store.put(key, key, { metadata: { key: key.replace(/\//g, '-') } });
    const listed = (await store.list()).objects.map((object) => object.key);
    assert.deepEqual(listed, ['a', 'a-b', 'a/b', 'a/b/c', 'a0']);
    assert.equal((await readAllBytes((await store.get('a')).body)).toString(), 'a');
    assert.equal((await store.head('a/b')).metadata.key, 'a-b');
    // A cursor inside a folder continues after it and into the next.
    const page = await store.list({ cursor: 'a/b', limit: 10 });
    assert.deepEqual(
      page.objects.map((object) => object.key),
      ['a/b/c', 'a0'],
    );
  });

  it('leaves no staging files after failed puts and no empty folders after deletes', async () => {
    const root = join(rootDir, 'tidy');
    const store = createFileObjectStore({ rootDir: root, maxObjectBytes: 1024 });
    await assert.rejects(store.put('deep/down/big', randomBody(4096).stream), PlatformError);
    await store.put('deep/down/small', 'x');
    await store.put('deep/other', 'y');
    assert.deepEqual(await readdir(join(root, 'staging')), []);
    await store.delete('deep/down/small');
    assert.deepEqual(await readdir(join(root, 'objects', 'deep.dir')), [
      'other.meta.json',
      'other.obj',
    ]);
    await store.delete('deep/other');
    assert.deepEqual(await readdir(join(root, 'objects')), []);
  });

  it('finds what an earlier store instance wrote in the same folder', async () => {
    const root = join(rootDir, 'reopen');
    await createFileObjectStore({ rootDir: root }).put('kept', 'across restarts', {
      contentType: 'text/plain',
      metadata: { by: 'first' },
    });
    const reopened = createFileObjectStore({ rootDir: root });
    const info = await reopened.head('kept');
    assert.equal(info.contentType, 'text/plain');
    assert.deepEqual(info.metadata, { by: 'first' });
  });

  it('refuses a key segment too long for a file name, naming the key', async () => {
    const store = createFileObjectStore({ rootDir: join(rootDir, 'long') });
    const key = `docs/${'n'.repeat(300)}`;
    await assert.rejects(store.put(key, 'x'), (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'invalid_input');
      assert.ok(error.message.includes(key));
      return true;
    });
  });

  // Not in the contract: s3rver writes an object's content and metadata in two steps, so this
  // race shows there; AWS S3 and MinIO are atomic.
  it('keeps content and metadata of one writer when puts to a key race', async () => {
    const store = createFileObjectStore({ rootDir: join(rootDir, 'race') });
    await Promise.all(
      Array.from({ length: 24 }, (_, writer) =>
        store.put('contested', `writer ${writer}`, { metadata: { writer: String(writer) } }),
      ),
    );
    const object = await store.get('contested');
    const content = (await readAllBytes(object.body)).toString('utf8');
    assert.equal(content, `writer ${object.metadata.writer}`);
  });

  it('refuses a maxObjectBytes that is not a positive whole number', () => {
    assert.throws(
      () => createFileObjectStore({ rootDir, maxObjectBytes: 0 }),
      (error) => error instanceof PlatformError && error.code === 'invalid_config',
    );
  });
});
