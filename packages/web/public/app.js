// @ts-check
// The Companions app in the browser: the chat socket (send, stream, stop, regenerate),
// Markdown with highlighted code, citations, theme switch (documents: uploads.js).
(() => {
  const $ = (/** @type {string} */ selector) => document.querySelector(selector);

  // Theme: follows the system unless the user picked one.
  $('#theme-toggle')?.addEventListener('click', () => {
    const dark =
      document.documentElement.dataset.theme === 'dark' ||
      (!document.documentElement.dataset.theme &&
        matchMedia('(prefers-color-scheme: dark)').matches);
    const theme = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('theme', theme);
  });

  const chat = /** @type {HTMLElement | null} */ ($('#chat'));
  if (!chat) return;
  const messages = /** @type {HTMLElement} */ ($('#messages'));
  const composer = /** @type {HTMLFormElement} */ ($('#composer'));
  const input = /** @type {HTMLTextAreaElement} */ ($('#message'));
  const sendButton = /** @type {HTMLButtonElement} */ ($('#send'));
  const stopButton = /** @type {HTMLButtonElement} */ ($('#stop'));
  const regenerateButton = /** @type {HTMLButtonElement} */ ($('#regenerate'));
  const connection = /** @type {HTMLElement} */ ($('#connection'));
  const companionPicker = /** @type {HTMLSelectElement | null} */ ($('#companion'));
  const collectionPicker = /** @type {HTMLSelectElement | null} */ ($('#collection'));
  const modelPicker = /** @type {HTMLSelectElement | null} */ ($('#model'));

  // ---- Markdown ---------------------------------------------------------------------------
  /** @param {string} text */
  function markdownToHtml(text) {
    const win = /** @type {any} */ (window);
    const html = win.marked ? win.marked.parse(text, { gfm: true, breaks: true }) : text;
    return win.DOMPurify ? win.DOMPurify.sanitize(html) : html.replace(/</g, '&lt;');
  }
  /** @param {HTMLElement} element @param {string} text */
  function renderMarkdown(element, text) {
    element.dataset.raw = text;
    element.innerHTML = markdownToHtml(text);
    const hljs = /** @type {any} */ (window).hljs;
    if (hljs) element.querySelectorAll('pre code').forEach((block) => hljs.highlightElement(block));
    linkCitations(element);
  }
  /** Turns "[2]" in an answer into a button opening source 2. @param {HTMLElement} element */
  function linkCitations(element) {
    const article = element.closest('.message');
    const count = article?.querySelectorAll('.sources .citation').length ?? 0;
    if (!count) return;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    /** @type {Text[]} */ const texts = [];
    while (walker.nextNode()) texts.push(/** @type {Text} */ (walker.currentNode));
    for (const text of texts) {
      if (text.parentElement?.closest('code, pre, button')) continue;
      const parts = text.data.split(/(\[\d{1,2}\])/);
      if (parts.length === 1) continue;
      const fragment = document.createDocumentFragment();
      for (const part of parts) {
        const match = /^\[(\d{1,2})\]$/.exec(part);
        const index = match ? Number(match[1]) : 0;
        if (match && index >= 1 && index <= count) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'cite-ref';
          button.dataset.index = String(index);
          button.textContent = part;
          button.setAttribute('aria-label', `Source ${index}`);
          fragment.append(button);
        } else fragment.append(part);
      }
      text.replaceWith(fragment);
    }
  }
  document.querySelectorAll('#messages .markdown').forEach((element) => {
    renderMarkdown(/** @type {HTMLElement} */ (element), element.textContent ?? '');
  });

  // ---- Citations ----------------------------------------------------------------------------
  const dialog = /** @type {HTMLDialogElement} */ ($('#citation-dialog'));
  /** @param {any} source @param {number} index */
  function openCitation(source, index) {
    /** @type {HTMLElement} */ ($('#citation-title')).textContent =
      `[${index}] ${source.source ?? 'Source'}`;
    const where = [
      source.collection && `collection ${source.collection}`,
      source.page !== undefined && `page ${source.page}`,
      source.heading && `section “${source.heading}”`,
      typeof source.score === 'number' && `score ${source.score.toFixed(3)}`,
    ].filter(Boolean);
    /** @type {HTMLElement} */ ($('#citation-where')).textContent = where.join(' · ');
    /** @type {HTMLElement} */ ($('#citation-text')).textContent = source.text ?? '';
    dialog.showModal();
  }
  messages.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const citation = target.closest('.citation, .cite-ref');
    if (!citation) return;
    const index = Number(/** @type {HTMLElement} */ (citation).dataset.index);
    const item = citation
      .closest('.message')
      ?.querySelector(`.sources .citation[data-index="${index}"]`);
    const data = /** @type {HTMLElement | null | undefined} */ (item)?.dataset.source;
    if (data) openCitation(JSON.parse(data), index);
  });
  /** @param {any[]} sources */
  function sourcesList(sources) {
    const list = document.createElement('ol');
    list.className = 'sources';
    list.setAttribute('aria-label', 'Sources');
    sources.forEach((source, position) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'citation';
      button.dataset.index = String(position + 1);
      button.dataset.source = JSON.stringify(source);
      const page = source.page !== undefined ? ` p.${source.page}` : '';
      button.textContent = `[${position + 1}] ${source.source}${page}`;
      item.append(button);
      list.append(item);
    });
    return list;
  }

  // ---- Conversation -------------------------------------------------------------------------
  /** @param {'user' | 'assistant'} role */
  function article(role) {
    const element = document.createElement('article');
    element.className = `message ${role}`;
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    const text = document.createElement('div');
    text.className = role === 'assistant' ? 'text markdown' : 'text';
    bubble.append(text);
    element.append(bubble);
    messages.append(element);
    return { element, bubble, text };
  }
  const scrollDown = () => window.scrollTo({ top: document.body.scrollHeight });

  /** @type {Map<string, {element: HTMLElement, bubble: HTMLElement, text: HTMLElement, raw: string, pending: boolean}>} */
  const turns = new Map();
  /** @type {string | undefined} */ let current;
  const setBusy = (/** @type {boolean} */ busy) => {
    stopButton.hidden = !busy;
    sendButton.disabled = busy;
    regenerateButton.hidden = busy || !messages.querySelector('.message.assistant');
  };

  /** @param {any} frame */
  function onFrame(frame) {
    if (frame.type === 'session') {
      chat.dataset.sessionId = frame.session_id;
      history.replaceState(null, '', `/c/${frame.session_id}`);
      const title = $('#chat-title');
      if (title) title.textContent = frame.title || 'New chat';
      /** @type {any} */ (window).htmx?.trigger(document.body, 'sessions-changed');
    } else if (frame.type === 'started') {
      $('#greeting')?.remove();
      if (frame.regenerate) messages.querySelector('.message.assistant:last-of-type')?.remove();
      else article('user').text.textContent = frame.message;
      const reply = article('assistant');
      reply.element.dataset.requestId = frame.request_id;
      reply.element.setAttribute('aria-busy', 'true');
      const typing = document.createElement('span');
      typing.className = 'typing';
      typing.setAttribute('aria-label', 'answering');
      typing.textContent = '●●●';
      reply.bubble.append(typing);
      turns.set(frame.request_id, { ...reply, raw: '', pending: false });
      current = frame.request_id;
      setBusy(true);
      scrollDown();
    } else if (frame.type === 'chunk') {
      const turn = turns.get(frame.request_id);
      if (!turn) return;
      turn.raw += frame.content;
      if (!turn.pending) {
        turn.pending = true;
        requestAnimationFrame(() => {
          turn.pending = false;
          renderMarkdown(turn.text, turn.raw);
          scrollDown();
        });
      }
    } else if (frame.type === 'restart') {
      const turn = turns.get(frame.request_id);
      if (!turn) return;
      turn.raw = '';
      turn.text.textContent = '';
      notice(frame.message);
    } else if (frame.type === 'done') {
      const turn = turns.get(frame.request_id);
      if (!turn) return;
      turns.delete(frame.request_id);
      turn.element.removeAttribute('aria-busy');
      turn.bubble.querySelector('.typing')?.remove();
      if (frame.sources?.length) turn.bubble.append(sourcesList(frame.sources));
      const text = frame.response || turn.raw;
      renderMarkdown(turn.text, text);
      if (!frame.success) {
        const problem = document.createElement('div');
        problem.className = frame.error_type === 'cancelled' ? 'stopped' : 'error';
        problem.setAttribute('role', frame.error_type === 'cancelled' ? 'status' : 'alert');
        problem.textContent =
          frame.error_type === 'cancelled' ? 'Stopped.' : (frame.error ?? 'The answer failed.');
        turn.bubble.append(problem);
      }
      if (current === frame.request_id) current = undefined;
      setBusy(turns.size > 0);
      scrollDown();
      /** @type {any} */ (window).htmx?.trigger(document.body, 'sessions-changed');
    } else if (frame.type === 'notice') {
      notice(frame.message);
    } else if (frame.type === 'greeting') {
      // Shown on an empty chat only; not part of the conversation.
      if (messages.querySelector('.message') || $('#greeting')) return;
      const greeting = document.createElement('p');
      greeting.id = 'greeting';
      greeting.className = 'greeting';
      greeting.textContent = frame.text;
      messages.append(greeting);
    }
  }
  /** @param {string} text */
  function notice(text) {
    const element = document.createElement('div');
    element.className = 'error';
    element.setAttribute('role', 'alert');
    element.textContent = text;
    messages.append(element);
  }

  // ---- Socket -------------------------------------------------------------------------------
  /** @type {WebSocket | undefined} */ let socket;
  let retryMs = 500;
  function connect() {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/chat`;
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      retryMs = 500;
      connection.textContent = '';
      chat.dataset.connected = 'true';
      if (!chat.dataset.sessionId && !messages.querySelector('.message')) {
        socket?.send(JSON.stringify({ type: 'greet' }));
      }
    });
    socket.addEventListener('message', (event) => onFrame(JSON.parse(String(event.data))));
    socket.addEventListener('close', (event) => {
      chat.dataset.connected = 'false';
      if (event.code === 4401) {
        location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
        return;
      }
      connection.textContent = 'Reconnecting…';
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    });
  }
  connect();

  function turnOptions() {
    const collection = collectionPicker?.value;
    return {
      session_id: chat.dataset.sessionId || undefined,
      companion_id: companionPicker?.value || undefined,
      collection: collection && collection !== '__new__' ? collection : undefined,
      model: modelPicker?.value || undefined,
    };
  }
  /** @param {object} frame */
  function sendFrame(frame) {
    if (socket?.readyState !== WebSocket.OPEN) {
      notice('Not connected yet; try again in a moment.');
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    if (sendFrame({ type: 'send', message, ...turnOptions() })) input.value = '';
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  const stop = () => current && sendFrame({ type: 'stop', request_id: current });
  stopButton.addEventListener('click', stop);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && current && !dialog.open) stop();
  });
  regenerateButton.addEventListener('click', () =>
    sendFrame({ type: 'regenerate', ...turnOptions() }),
  );

  // A companion brings its default documents.
  companionPicker?.addEventListener('change', () => {
    const option = companionPicker.selectedOptions[0];
    const collection = option?.dataset.collection;
    if (collectionPicker && collection !== undefined) collectionPicker.value = collection;
  });
})();
