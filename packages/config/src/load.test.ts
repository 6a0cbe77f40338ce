import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { loadConfig } from './load.js';

describe('configuration', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.bus.natsUrl, undefined);
    assert.equal(config.llm.baseUrl, undefined);
    assert.equal(config.sources.PORT, 'default');
  });

  it('stops with a message naming every bad variable', () => {
    assert.throws(
      () =>
        loadConfig({ PORT: 'eighty', NATS_URL: 'http://not-nats', LLM_MODEL_PATH: 'model.bin' }),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'invalid_config');
        assert.match(error.message, /PORT: must be a whole number \(got "eighty"\)/);
        assert.match(error.message, /NATS_URL: must be a URL/);
        assert.match(error.message, /LLM_MODEL_PATH: must be a \.gguf file/);
        return true;
      },
    );
  });

  it('needs the S3 keys with S3_ENDPOINT, and a postgres URL for DATABASE_URL', () => {
    assert.throws(
      () => loadConfig({ S3_ENDPOINT: 'http://minio:9000', DATABASE_URL: 'mysql://db/x' }),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.match(error.message, /S3_ACCESS_KEY_ID: required when S3_ENDPOINT is set/);
        assert.match(error.message, /S3_SECRET_ACCESS_KEY: required/);
        assert.match(error.message, /DATABASE_URL: must be a URL \(postgres: or postgresql:\)/);
        return true;
      },
    );
    const config = loadConfig({
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      MILVUS_ADDRESS: 'milvus:19530',
    });
    assert.equal(config.stores.s3?.bucket, 'homelab-ai');
    assert.equal(config.stores.milvus?.address, 'milvus:19530');
    assert.equal(config.stores.databaseUrl, undefined);
  });

  it('reads a config file, and the environment wins over it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'homelab-config-'));
    const json = join(directory, 'homelab.json');
    writeFileSync(json, JSON.stringify({ PORT: 9000, LLM_BASE_URL: 'http://vllm:8000/v1' }));
    const fromFile = loadConfig({ HOMELAB_CONFIG: json });
    assert.equal(fromFile.http.port, 9000);
    assert.equal(fromFile.llm.baseUrl, 'http://vllm:8000/v1');
    assert.equal(fromFile.sources.PORT, 'file');
    assert.equal(loadConfig({ HOMELAB_CONFIG: json, PORT: '9100' }).http.port, 9100);

    const dotenv = join(directory, 'homelab.env');
    writeFileSync(dotenv, '# comment\nexport NATS_URL="nats://127.0.0.1:4222"\nLOG_LEVEL=debug\n');
    const fromDotenv = loadConfig({ HOMELAB_CONFIG: dotenv });
    assert.equal(fromDotenv.bus.natsUrl, 'nats://127.0.0.1:4222');
    assert.equal(fromDotenv.logLevel, 'debug');
  });

  it('rejects unknown keys in the config file rather than ignoring a typo', () => {
    const directory = mkdtempSync(join(tmpdir(), 'homelab-config-'));
    const json = join(directory, 'typo.json');
    writeFileSync(json, JSON.stringify({ LLM_BASEURL: 'http://x' }));
    assert.throws(() => loadConfig({ HOMELAB_CONFIG: json }), /LLM_BASEURL: not a known variable/);
  });
});
