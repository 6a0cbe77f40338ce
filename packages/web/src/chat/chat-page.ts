/** The first chat page: server-rendered, htmx over a WebSocket for streaming. */
import { escapeHtml } from './html.js';

export interface ChatPageModel {
  /** Shown above the conversation when a port the chat needs is missing. */
  warnings: string[];
  modelName: string;
}

export function renderChatPage(model: ChatPageModel): string {
  const warnings = model.warnings
    .map((warning) => `<div class="warning" role="status">${escapeHtml(warning)}</div>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Homelab AI — Chat</title>
  <link rel="stylesheet" href="/static/app.css">
  <script src="/static/htmx.min.js" defer></script>
  <script src="/static/htmx-ws.js" defer></script>
  <script src="/static/chat.js" defer></script>
</head>
<body>
  <header class="topbar">
    <h1>Homelab AI</h1>
    <span class="model" title="Language model">${escapeHtml(model.modelName)}</span>
    <a href="/healthz" class="health-link">health</a>
  </header>
  <main hx-ext="ws" ws-connect="/ws/chat" id="chat">
    ${warnings}
    <section id="messages" aria-live="polite" aria-label="Conversation"></section>
    <form id="composer" ws-send hx-on::ws-after-send="this.reset()">
      <label for="message" class="visually-hidden">Message</label>
      <textarea id="message" name="message" rows="2" required maxlength="100000"
        placeholder="Ask anything… (Enter to send, Shift+Enter for a new line)" autofocus></textarea>
      <button type="submit">Send</button>
    </form>
  </main>
</body>
</html>`;
}
