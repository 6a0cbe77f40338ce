/**
 * How the OpenAI-compatible API fails, as the official `openai` client sees it: typed errors
 * with OpenAI's `{error: {message, type, code, param}}` body and the right HTTP status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAiChatModel, createUnconfiguredChatModel } from '@homelab-ai/models';
import { eventually, startLoopbackLlm, type LoopbackLlm } from '@homelab-ai/testkit';
import OpenAI from 'openai';
import {
  TEST_SESSION_COOKIE,
  TEST_TOKEN,
  startTestGateway,
  type TestGateway,
} from './openai-test-gateway.js';

const question = { model: 'loopback-echo', messages: [{ role: 'user' as const, content: 'hi' }] };

function clientOf(gateway: TestGateway, apiKey = TEST_TOKEN): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
}

describe('OpenAI-compatible API errors', () => {
  let llm: LoopbackLlm;
  let gateway: TestGateway;
  let client: OpenAI;
  before(async () => {
    llm = await startLoopbackLlm();
    gateway = await startTestGateway({
      chatModel: createOpenAiChatModel({ baseUrl: llm.baseUrl }),
      models: [{ id: 'loopback-echo', owned_by: 'homelab-ai', created: 0 }],
    });
    client = clientOf(gateway);
  });
  after(async () => {
    await gateway.close();
    await llm.close();
  });

  it('refuses a wrong key (401, AuthenticationError) and asks for a bearer token', async () => {
    await assert.rejects(clientOf(gateway, 'wrong').chat.completions.create(question), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
    await assert.rejects(clientOf(gateway, 'wrong').models.list(), OpenAI.AuthenticationError);
    const response = await fetch(`${gateway.url}/v1/models`);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    const body = (await response.json()) as { error: { message: string; type: string } };
    assert.match(body.error.message, /Missing bearer token/);
  });

  it('ignores a session cookie: a page on another site cannot post completions', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { cookie: TEST_SESSION_COOKIE, 'content-type': 'text/plain' },
      body: JSON.stringify(question),
    });
    assert.equal(response.status, 401);
  });

  it('rejects an invalid body (400, BadRequestError) naming the field', async () => {
    const invalid = [
      { body: { ...question, n: 2 }, param: 'n' },
      { body: { ...question, messages: [] }, param: 'messages' },
      {
        body: {
          ...question,
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
        },
        param: 'messages.0.content.0',
      },
      {
        body: { ...question, messages: [{ role: 'assistant', content: 'no question' }] },
        param: 'messages',
      },
      { body: { ...question, session_id: 'has a space' }, param: 'session_id' },
    ];
    for (const { body, param } of invalid) {
      await assert.rejects(
        client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming),
        (error) => {
          assert.ok(error instanceof OpenAI.BadRequestError, `${param}: ${String(error)}`);
          assert.equal(error.param, param);
          assert.equal(error.type, 'invalid_request_error');
          return true;
        },
      );
    }
    const notJson = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(notJson.status, 400);
  });

  it('accepts any model name with one model, but 404s an unknown one among several', async () => {
    const aliased = await client.chat.completions.create({ ...question, model: 'gpt-4o-mini' });
    assert.equal(aliased.model, 'loopback-echo');
    gateway.models = [
      { id: 'loopback-echo', owned_by: 'homelab-ai', created: 0 },
      { id: 'other', owned_by: 'homelab-ai', created: 0 },
    ];
    try {
      await assert.rejects(
        client.chat.completions.create({ ...question, model: 'gpt-4o' }),
        (error) => {
          assert.ok(error instanceof OpenAI.NotFoundError);
          assert.equal(error.code, 'model_not_found');
          assert.equal(error.param, 'model');
          assert.match(error.message, /loopback-echo, other/);
          return true;
        },
      );
    } finally {
      gateway.models = [{ id: 'loopback-echo', owned_by: 'homelab-ai', created: 0 }];
    }
  });

  it('ends the answer at max_tokens with finish_reason length', async () => {
    const long = Array.from({ length: 60 }, (_, index) => `w${index}`).join(' ');
    const completion = await client.chat.completions.create({
      ...question,
      messages: [{ role: 'user', content: long }],
      max_tokens: 3,
    });
    assert.equal(completion.choices[0]?.finish_reason, 'length');
    assert.equal(completion.choices[0]?.message.content?.length, 12);
  });
});

describe('OpenAI-compatible API when the platform cannot answer', () => {
  it('answers 503 unavailable when no chat handler takes the turn', async () => {
    const gateway = await startTestGateway({ firstEventTimeoutMs: 300 });
    try {
      await assert.rejects(clientOf(gateway).chat.completions.create(question), (error) => {
        assert.ok(error instanceof OpenAI.InternalServerError);
        assert.equal(error.status, 503);
        assert.equal(error.code, 'unavailable');
        assert.equal(error.type, 'server_error');
        assert.match(error.message, /Is a chat handler running\?/);
        return true;
      });
    } finally {
      await gateway.close();
    }
  });

  it('answers 503 model_not_configured, saying how to add a model, streamed or not', async () => {
    const gateway = await startTestGateway({ chatModel: createUnconfiguredChatModel() });
    try {
      for (const stream of [false, true]) {
        await assert.rejects(
          clientOf(gateway).chat.completions.create({ ...question, stream }),
          (error) => {
            assert.ok(error instanceof OpenAI.APIError);
            assert.equal(error.status, 503, `stream: ${stream}`);
            assert.equal(error.code, 'model_not_configured');
            assert.match(error.message, /LLM_BASE_URL/);
            return true;
          },
        );
      }
    } finally {
      await gateway.close();
    }
  });

  it('answers 504 timeout and stops the turn when it runs past the turn timeout', async () => {
    const slowLlm = await startLoopbackLlm({ tokenDelayMs: 20 });
    const gateway = await startTestGateway({
      chatModel: createOpenAiChatModel({ baseUrl: slowLlm.baseUrl }),
      turnTimeoutMs: 300,
    });
    try {
      const long = Array.from({ length: 200 }, (_, index) => `w${index}`).join(' ');
      const started = performance.now();
      await assert.rejects(
        clientOf(gateway).chat.completions.create({
          ...question,
          messages: [{ role: 'user', content: long }],
        }),
        (error) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.equal(error.status, 504);
          assert.equal(error.code, 'timeout');
          return true;
        },
      );
      assert.ok(performance.now() - started < 3_000, 'gave up long before the 4 s answer');
      await eventually(
        () => (slowLlm.aborted > 0 ? true : undefined),
        'the chat handler aborting its LLM call',
      );
    } finally {
      await gateway.close();
      await slowLlm.close();
    }
  });
});
