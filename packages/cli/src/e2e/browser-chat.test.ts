/**
 * The newcomer's path in a real Chromium: `homelab-ai up` (one process, embedded bus), sign in
 * as the first-start admin, create a companion, upload a document into a new collection, ask
 * about it and watch the answer stream with a citation that opens the passage, stop a long
 * answer, sign out. Browser → gateway → bus → chat handler → knowledge + LLM → bus → browser.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  eventually,
  launchChromium,
  startLoopbackLlm,
  writeTinyLlamaGguf,
  type LoopbackLlm,
} from '@homelab-ai/testkit';
import { spawnCli, type CliProcess } from '../testing/spawn-cli.js';

const ADMIN = { email: 'ada@example.com', password: 'a long test password' };

async function startPlatform(
  env: Record<string, string>,
): Promise<{ platform: CliProcess; url: string }> {
  const platform = spawnCli(['up'], {
    PORT: '0',
    HOMELAB_DATA_DIR: await mkdtemp(join(tmpdir(), 'homelab-data-')),
    HOMELAB_ADMIN_EMAIL: ADMIN.email,
    HOMELAB_ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
  const [, url] = await platform.waitFor(/Homelab AI is up at (http:\/\/\S+)/);
  return { platform, url: url as string };
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  assert.match(page.url(), /\/login\?next=/, 'a visitor is sent to the sign-in page');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#message').waitFor();
  await page.locator('#chat[data-connected="true"]').waitFor();
}

/** Sends a message and returns the reply's text and how many updates it arrived in. */
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
  const before = await page.locator('.message.assistant').count();
  await page.locator('#message').fill(message);
  await page.locator('#message').press('Enter');
  await page.locator('.message.user .bubble', { hasText: message }).waitFor();
  const reply = page.locator('.message.assistant').nth(before);
  await reply.waitFor();
  await reply.locator('.typing').waitFor({ state: 'detached', timeout: 30_000 });
  const text = await reply.locator('.text').innerText();
  const updates = await page.evaluate(
    () => (window as unknown as { replyUpdates: number }).replyUpdates,
  );
  return { text, updates };
}

describe('the Companions app in the browser, end to end', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser.close());

  it('signs in, creates a companion, answers from an uploaded document with a citation, stops, signs out', async () => {
    const llm: LoopbackLlm = await startLoopbackLlm({ tokenDelayMs: 20 });
    const { platform, url } = await startPlatform({ LLM_BASE_URL: llm.baseUrl });
    try {
      const page = await browser.newPage();
      await signIn(page, url);
      const greeting = page.locator('#greeting');
      await greeting.waitFor();
      assert.ok((await greeting.innerText()).trim().length > 0, 'a personalised greeting');
      assert.match(
        JSON.stringify(llm.requests.at(-1)?.messages ?? []),
        /Ada|ada@example\.com|Admin/,
        'the greeting was written for the signed-in user',
      );

      // A companion with a persona.
      await page.goto(`${url}/companions`);
      const form = page.locator('form[aria-label="New companion"]');
      await form.getByLabel('Name').fill('Falcon guide');
      await form.getByLabel('Persona (system prompt)').fill('You are a patient guide to falcons.');
      await form.getByRole('button', { name: 'Create companion' }).click();
      await page.locator('form[aria-label="Companion Falcon guide"]').waitFor();

      // A new collection, and a document uploaded into it from the chat.
      await page.goto(url);
      await page.locator('#chat[data-connected="true"]').waitFor();
      await page.locator('#companion').selectOption({ label: 'Falcon guide' });
      page.once('dialog', (dialog) => void dialog.accept('field-notes'));
      await page.locator('#collection').selectOption('__new__');
      await page.locator('#collection option[value="field-notes"]').waitFor({ state: 'attached' });
      await page.locator('#upload').setInputFiles({
        name: 'falcon-notes.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from(
          '# Falcon field notes\n\n## Nesting\n\nThe peregrine pair on the water tower is called Quillon and Bramble. ' +
            'Their nest box has the inventory tag QX-7731.\n\n## Diet\n\nThey eat pigeons and starlings.\n',
        ),
      });
      await page.locator('#uploads progress').waitFor();
      await page.locator('.upload-status.indexed').waitFor({ timeout: 30_000 });

      // Ask about it: the answer streams, a citation opens the passage.
      const { updates } = await ask(page, 'Which inventory tag does the nest box have?');
      assert.ok(updates >= 4, `the reply arrived in several updates (got ${updates})`);
      const citation = page.locator('.message.assistant .sources .citation').first();
      await citation.waitFor();
      assert.match(await citation.innerText(), /falcon-notes\.md/);
      await citation.click();
      await page.locator('#citation-dialog[open]').waitFor();
      assert.match(await page.locator('#citation-text').innerText(), /QX-7731/);
      await page.locator('#citation-dialog button', { hasText: 'Close' }).click();
      assert.match(page.url(), /\/c\/[0-9a-f-]{36}$/, 'the chat has its own address now');
      const prompt = llm.requests
        .at(-1)
        ?.messages.map((message) => message.content)
        .join('\n');
      assert.match(prompt ?? '', /patient guide to falcons/, 'the persona reached the model');
      assert.match(prompt ?? '', /QX-7731/, 'the retrieved passage reached the model');

      // The session is listed in the sidebar under its first question.
      await page
        .locator('#session-list a', { hasText: 'Which inventory tag does the nest box' })
        .waitFor();

      // Stop a long answer: the page says so and the LLM call is aborted.
      const abortedBefore = llm.aborted;
      await page.locator('#message').fill(`tell me everything ${'about falcons '.repeat(150)}`);
      await page.locator('#message').press('Enter');
      await page.locator('.message.assistant').last().locator('.text p').first().waitFor();
      await page.locator('#stop').click();
      await page.locator('.message.assistant').last().locator('.stopped').waitFor();
      await page.waitForFunction(() => !document.querySelector('.message.assistant .typing'));
      // The server sees the closed connection a moment after the page shows the stop.
      await eventually(
        () => (llm.aborted > abortedBefore ? true : undefined),
        'the LLM request to be aborted',
      );

      // Sign out: the app is closed again.
      await page.locator('.user-menu summary').click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
      await page.goto(url);
      assert.match(page.url(), /\/login/, 'signed out for real');
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
      await signIn(page, url);
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
      await signIn(page, url);
      assert.match(await page.locator('.warning').first().innerText(), /LLM_BASE_URL/);
      const embeddings = page.locator('.warning', { hasText: 'models pull bge-small-en-v1.5' });
      assert.equal(await embeddings.count(), 1, 'the page says how to add an embedding model');
      await page.locator('#message').fill('anyone there?');
      await page.locator('#send').click();
      const error = page.locator('.message.assistant .error');
      await error.waitFor();
      assert.match(await error.innerText(), /No language model is configured/);
    } finally {
      await platform.kill();
    }
  });
});
