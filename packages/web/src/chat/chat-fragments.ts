/**
 * HTML fragments the chat socket sends; htmx's ws extension swaps each into the page by id
 * (out-of-band), so the server renders and the browser only places.
 */
import { escapeHtml } from './html.js';

export const chatFragments = {
  turnStarted: (requestId: string, message: string) => `
<div id="messages" hx-swap-oob="beforeend">
  <article class="message user"><div class="bubble">${escapeHtml(message)}</div></article>
  <article class="message assistant" id="turn-${requestId}" aria-busy="true">
    <div class="bubble"><span class="text" id="reply-${requestId}"></span><span class="typing" id="typing-${requestId}" aria-label="answering">●●●</span></div>
  </article>
</div>`,
  chunk: (requestId: string, text: string) =>
    `<span id="reply-${requestId}" hx-swap-oob="beforeend">${escapeHtml(text)}</span>`,
  finished: (requestId: string) => `<span id="typing-${requestId}" hx-swap-oob="delete"></span>`,
  failed: (requestId: string, message: string) => `
<span id="typing-${requestId}" hx-swap-oob="outerHTML"><div class="error" role="alert">${escapeHtml(message)}</div></span>`,
  notice: (message: string) => `
<div id="messages" hx-swap-oob="beforeend"><div class="error" role="alert">${escapeHtml(message)}</div></div>`,
};
