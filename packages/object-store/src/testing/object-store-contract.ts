/**
 * One contract suite for every ObjectStore adapter (folder on disk, S3): what the platform
 * relies on when it keeps uploads, audio and artefacts.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';
import { readAllBytes } from '../body.js';
import { listAllObjects, type ObjectStore } from '../port.js';
import { heldBody, randomBody, sha256Of } from './bodies.js';

const MiB = 1024 * 1024;

export interface ContractStoreOptions {
  maxObjectBytes?: number;
}

/** Rejects with a PlatformError of this code whose message contains `mentions`. */
async function rejectsWith(
  promise: Promise<unknown>,
  code: ErrorCode,
  mentions?: string,
): Promise<PlatformError> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof PlatformError, `expected a PlatformError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (mentions !== undefined)
    assert.ok(caught.message.includes(mentions), `"${caught.message}" should mention ${mentions}`);
  return caught;
}

async function text(store: ObjectStore, key: string): Promise<string> {
  const object = await store.get(key);
  return (await readAllBytes(object.body)).toString('utf8');
}

/**
 * Runs the suite. `createStore` must give stores over the same storage (same folder or bucket)
 * each time, with the given limits; the suite closes them.
 */
export function runObjectStoreContract(
  name: string,
  createStore: (options: ContractStoreOptions) => Promise<ObjectStore>,
  teardown?: () => Promise<void>,
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    const opened: ObjectStore[] = [];
    const open = async (options: ContractStoreOptions) => {
      const created = await createStore(options);
      opened.push(created);
      return created;
    };
    const scope = () => `t-${randomUUID().slice(0, 8)}`;

    before(async () => {
      store = await open({ maxObjectBytes: 16 * MiB });
    });
    after(async () => {
      await Promise.all(opened.map((each) => each.close()));
      await teardown?.();
    });

    it('round-trips text, binary and empty objects with their content type', async () => {
      const run = scope();
      const binary = Uint8Array.from({ length: 256 }, (_, index) => index);
      const stored = await store.put(`${run}/hello.txt`, 'héllo wörld', {
        contentType: 'text/plain; charset=utf-8',
      });
      assert.equal(stored.size, Buffer.byteLength('héllo wörld'));
      await store.put(`${run}/bytes.bin`, binary);
      await store.put(`${run}/empty`, new Uint8Array());

      const hello = await store.get(`${run}/hello.txt`);
      assert.equal(hello.contentType, 'text/plain; charset=utf-8');
      assert.equal(hello.size, stored.size);
      assert.equal((await readAllBytes(hello.body)).toString('utf8'), 'héllo wörld');
      const bytes = await store.get(`${run}/bytes.bin`);
      assert.equal(bytes.contentType, 'application/octet-stream');
      assert.deepEqual(new Uint8Array(await readAllBytes(bytes.body)), binary);
      const empty = await store.get(`${run}/empty`);
      assert.equal(empty.size, 0);
      assert.equal((await readAllBytes(empty.body)).byteLength, 0);
    });

    it('accepts Node and web streams and keys with spaces and non-ASCII letters', async () => {
      const run = scope();
      await store.put(`${run}/node stream`, Readable.from([Buffer.from('a'), Buffer.from('b')]));
      const web = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('web '));
          controller.enqueue(new TextEncoder().encode('stream'));
          controller.close();
        },
      });
      await store.put(`${run}/Übersicht (1).txt`, web);
      assert.equal(await text(store, `${run}/node stream`), 'ab');
      assert.equal(await text(store, `${run}/Übersicht (1).txt`), 'web stream');
    });

    it('streams a 12 MiB object in and out intact (multipart on S3)', async () => {
      const key = `${scope()}/large.bin`;
      const body = randomBody(12 * MiB);
      const stored = await store.put(key, body.stream, { contentType: 'application/x-test' });
      assert.equal(stored.size, body.size);
      const object = await store.get(key);
      assert.equal(object.size, body.size);
      assert.equal(object.contentType, 'application/x-test');
      assert.deepEqual(await sha256Of(object.body), { sha256: body.sha256, size: body.size });
    });

    it('describes an object with head: size, type, etag, modified time, metadata', async () => {
      const key = `${scope()}/doc.md`;
      const before = Date.now();
      const stored = await store.put(key, '# Title\n', {
        contentType: 'text/markdown',
        metadata: { owner: 'alice' },
      });
      const info = await store.head(key);
      assert.equal(info.key, key);
      assert.equal(info.size, 8);
      assert.equal(info.contentType, 'text/markdown');
      assert.equal(info.etag, stored.etag);
      assert.ok(info.etag.length > 0);
      assert.deepEqual(info.metadata, { owner: 'alice' });
      // S3 keeps whole seconds.
      assert.ok(
        info.modified.getTime() >= before - 2_000 && info.modified.getTime() <= Date.now() + 2_000,
      );
    });

    it('round-trips metadata, including spaces, "%" and non-ASCII values', async () => {
      const key = `${scope()}/meta`;
      const metadata = {
        owner: 'alice',
        'source-file': 'Résumé final (2).pdf',
        note: '  padded 100% ',
        'chunk-count': '42',
        empty: '',
      };
      await store.put(key, 'x', { metadata });
      assert.deepEqual((await store.head(key)).metadata, metadata);
      const object = await store.get(key);
      object.body.resume();
      assert.deepEqual(object.metadata, metadata);
    });

    it('refuses metadata keys and content types that would not survive', async () => {
      const key = `${scope()}/bad-meta`;
      await rejectsWith(
        store.put(key, 'x', { metadata: { Owner: 'a' } }),
        'invalid_input',
        'Owner',
      );
      await rejectsWith(store.put(key, 'x', { metadata: { a_b: 'a' } }), 'invalid_input', 'a_b');
      await rejectsWith(
        store.put(key, 'x', { contentType: 'nonsense' }),
        'invalid_input',
        'nonsense',
      );
      await rejectsWith(store.head(key), 'not_found');
    });

    it('lists by prefix in key order, page by page', async () => {
      const run = scope();
      const keys = Array.from(
        { length: 120 },
        (_, index) => `${run}/item-${String(index).padStart(3, '0')}`,
      );
      const others = [`${run}/sub/deep`, `${run}-sibling/x`];
      for (let start = 0; start < keys.length; start += 20)
        await Promise.all(keys.slice(start, start + 20).map((key) => store.put(key, key)));
      await Promise.all(others.map((key) => store.put(key, key)));

      const expected = [...keys, `${run}/sub/deep`];
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({
          prefix: `${run}/`,
          limit: 50,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.objects.map((object) => object.key));
        cursor = page.cursor;
      } while (cursor !== undefined);
      assert.deepEqual(
        pages.map((page) => page.length),
        [50, 50, 21],
      );
      assert.deepEqual(pages.flat(), expected);

      const first = (await store.list({ prefix: `${run}/item-000`, limit: 1 })).objects[0];
      assert.equal(first?.size, Buffer.byteLength(`${run}/item-000`));
      assert.ok(first.modified instanceof Date);

      // A prefix need not end at "/".
      const tens: string[] = [];
      for await (const object of listAllObjects(store, `${run}/item-01`, 3)) tens.push(object.key);
      assert.deepEqual(tens, keys.slice(10, 20));
      assert.deepEqual((await store.list({ prefix: `${run}/nothing` })).objects, []);
    });

    it('deletes: then get and head say not_found, and deleting again is fine', async () => {
      const key = `${scope()}/gone`;
      await store.put(key, 'bye');
      await store.delete(key);
      await rejectsWith(store.get(key), 'not_found', key);
      await rejectsWith(store.head(key), 'not_found', key);
      await store.delete(key);
      await store.delete(`${scope()}/never-existed`);
      assert.deepEqual((await store.list({ prefix: key })).objects, []);
    });

    it('overwrites an object: new content, type and metadata, old metadata gone', async () => {
      const key = `${scope()}/note`;
      const first = await store.put(key, 'first', {
        contentType: 'text/plain',
        metadata: { version: '1', extra: 'y' },
      });
      const second = await store.put(key, 'second version', {
        contentType: 'text/markdown',
        metadata: { version: '2' },
      });
      assert.notEqual(second.etag, first.etag);
      const info = await store.head(key);
      assert.equal(info.size, 14);
      assert.equal(info.contentType, 'text/markdown');
      assert.deepEqual(info.metadata, { version: '2' });
      assert.equal(await text(store, key), 'second version');
    });

    it('refuses each kind of bad key with invalid_input naming the key', async () => {
      const badKeys = [
        '',
        'x'.repeat(1025),
        'é'.repeat(513), // 1026 bytes in UTF-8
        '/absolute',
        '..',
        'a/../b',
        'a/./b',
        'a\\b',
        'nul\u0000byte',
        'tab\tkey',
        'bell\u0007',
        'a//b',
        'trailing/',
      ];
      for (const key of badKeys) {
        const named = JSON.stringify(key);
        await rejectsWith(store.put(key, 'x'), 'invalid_input', named);
        await rejectsWith(store.get(key), 'invalid_input', named);
        await rejectsWith(store.head(key), 'invalid_input', named);
        await rejectsWith(store.delete(key), 'invalid_input', named);
      }
      // 1024 bytes is allowed (in segments of 100 bytes: a segment is one file name on disk).
      const run = scope();
      let longest = run;
      while (Buffer.byteLength(longest) < 1024)
        longest += `/${'k'.repeat(Math.min(99, 1024 - Buffer.byteLength(longest) - 1))}`;
      assert.equal(Buffer.byteLength(longest), 1024);
      await store.put(longest, 'ok');
      assert.equal(await text(store, longest), 'ok');
    });

    it('refuses an oversize object with payload_too_large and stores nothing', async () => {
      const limited = await open({ maxObjectBytes: 6 * MiB });
      const run = scope();
      await rejectsWith(
        limited.put(`${run}/bytes`, new Uint8Array(6 * MiB + 1)),
        'payload_too_large',
        `${run}/bytes`,
      );
      // Streamed: the limit is only found out after a part has gone to S3.
      await rejectsWith(
        limited.put(`${run}/stream`, randomBody(7 * MiB).stream),
        'payload_too_large',
        `${run}/stream`,
      );
      await rejectsWith(store.head(`${run}/bytes`), 'not_found');
      await rejectsWith(store.head(`${run}/stream`), 'not_found');
      assert.deepEqual((await store.list({ prefix: run })).objects, []);

      // A failed overwrite leaves the old object as it was.
      await limited.put(`${run}/kept`, 'old');
      await rejectsWith(
        limited.put(`${run}/kept`, randomBody(6 * MiB + 10).stream),
        'payload_too_large',
      );
      assert.equal(await text(store, `${run}/kept`), 'old');
    });

    it('accepts an object of exactly the limit', async () => {
      const limited = await open({ maxObjectBytes: 1000 });
      const key = `${scope()}/exact`;
      await limited.put(key, randomBody(1000, 333).stream);
      assert.equal((await limited.head(key)).size, 1000);
      await rejectsWith(limited.put(key, randomBody(1001, 333).stream), 'payload_too_large');
      assert.equal((await limited.head(key)).size, 1000);
    });

    it('shows nothing of a put in progress; readers see the old object until it completes', async () => {
      const run = scope();
      await store.put(`${run}/existing`, 'old');
      const fresh = heldBody(Buffer.from('new '), Buffer.from('content'));
      const overwrite = heldBody(Buffer.from('new '), Buffer.from('content'));
      const puts = [
        store.put(`${run}/fresh`, fresh.stream),
        store.put(`${run}/existing`, overwrite.stream),
      ];
      await Promise.all([fresh.firstRead, overwrite.firstRead]);
      await rejectsWith(store.head(`${run}/fresh`), 'not_found');
      assert.equal(await text(store, `${run}/existing`), 'old');
      assert.deepEqual((await store.list({ prefix: `${run}/fresh` })).objects, []);
      fresh.release();
      overwrite.release();
      await Promise.all(puts);
      assert.equal(await text(store, `${run}/fresh`), 'new content');
      assert.equal(await text(store, `${run}/existing`), 'new content');
    });

    it('stores nothing when the body stream fails midway', async () => {
      const key = `${scope()}/broken`;
      const body = heldBody(randomBytes(1024), Buffer.from('never'));
      const put = store.put(key, body.stream);
      await body.firstRead;
      body.fail(new Error('client went away'));
      const error = await rejectsWith(put, 'internal', key);
      assert.match(error.message, /client went away/);
      await rejectsWith(store.head(key), 'not_found');
    });

    it('reports its health', async () => {
      const health = await store.health();
      assert.equal(health.healthy, true, health.detail);
      assert.ok(health.detail.length > 0);
    });
  });
}
