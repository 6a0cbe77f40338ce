/**
 * The newcomer's path: `homelab-ai up` (one process, embedded bus), open the printed URL in a
 * real Chromium, type a message, watch the answer stream in — browser → gateway → bus → chat
 * handler → LLM → bus → browser.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  startLoopbackLlm,
  writeTinyLlamaGguf,
  type LoopbackLlm,
} from '@homelab-ai/testkit';
import { spawnCli, type CliProcess } from '../testing/spawn-cli.js';

async function startPlatform(
  env: Record<string, string>,
): Promise<{ platform: CliProcess; url: string }> {
  const platform = spawnCli(['up'], {
    PORT: '0',
    HOMELAB_DATA_DIR: await mkdtemp(join(tmpdir(), 'homelab-data-')),
    ...env,
  });
  const [, url] = await platform.waitFor(/Homelab AI is up at (http:\/\/\S+)/);
  return { platform, url: url as string };
}

/** Sends a message from the page and returns the reply's text and how many updates it arrived in. */
async function ask(page: Page, message: string): Promise<{ text: string; updates: number }> {
  await page.evaluate(() => {
    const target = document.querySelector('#messages') as HTMLElement;
    const state = window as unknown as { replyUpdates: number };
    state.replyUpdates = 0;
    new MutationObserver(() => state.replyUpdates++).observe(target, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  await page.locator('#message').fill(message);
  await page.locator('#message').press('Enter');
  await page.locator('.message.user .bubble', { hasText: message }).waitFor();
  await page.locator('.message.assistant .typing').waitFor({ state: 'detached', timeout: 30_000 });
  const text = await page.locator('.message.assistant .text').last().innerText();
  const updates = await page.evaluate(
    () => (window as unknown as { replyUpdates: number }).replyUpdates,
  );
  return { text, updates };
}

describe('chat in the browser, end to end', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser.close());

  it('streams an answer from an OpenAI-compatible LLM into the page', async () => {
    const llm: LoopbackLlm = await startLoopbackLlm({ tokenDelayMs: 20 });
    const { platform, url } = await startPlatform({ LLM_BASE_URL: llm.baseUrl });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      assert.equal(
        await page.locator('.warning', { hasText: 'LLM_BASE_URL' }).count(),
        0,
        'no missing-LLM warning',
      );
      const { text, updates } = await ask(page, 'hello from the browser');
      assert.equal(text, 'echo: hello from the browser');
      assert.ok(updates >= 4, `the reply arrived in several updates (got ${updates})`);
      assert.equal(await page.locator('#message').inputValue(), '', 'the composer was cleared');
    } finally {
      await platform.kill();
      await llm.close();
    }
  });

  it('streams tokens from the embedded llama.cpp engine on a tiny GGUF model', async () => {
    const { path } = await writeTinyLlamaGguf(
      join(await mkdtemp(join(tmpdir(), 'homelab-gguf-')), 'tiny.gguf'),
    );
    const { platform, url } = await startPlatform({
      LLM_MODEL_PATH: path,
      LLM_THREADS: '1',
      LLM_MAX_TOKENS: '24',
      LLM_CONTEXT_SIZE: '512',
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.locator('.topbar .model', { hasText: 'llama-cpp' }).waitFor();
      const { text, updates } = await ask(page, 'hi');
      assert.ok(text.trim().length > 0, 'some generated text');
      assert.ok(updates >= 4, `tokens arrived one update at a time (got ${updates})`);
      assert.equal(await page.locator('.message.assistant .error').count(), 0);
    } finally {
      await platform.kill();
    }
  });

  it('tells the user, in the page, that no model is configured and how to fix it', async () => {
    const { platform, url } = await startPlatform({});
    try {
      const page = await browser.newPage();
      await page.goto(url);
      assert.match(await page.locator('.warning').first().innerText(), /LLM_BASE_URL/);
      const embeddings = page.locator('.warning', { hasText: 'models pull bge-small-en-v1.5' });
      assert.equal(await embeddings.count(), 1, 'the page says how to add an embedding model');
      await page.locator('#message').fill('anyone there?');
      await page.locator('button[type=submit]').click();
      const error = page.locator('.message.assistant .error');
      await error.waitFor();
      assert.match(await error.innerText(), /No language model is configured/);
    } finally {
      await platform.kill();
    }
  });
});
