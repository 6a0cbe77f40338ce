// @ts-check
// The chat page's documents: a new collection from the "Documents" picker, and uploads into
// the chosen collection with a progress bar, then its indexing status.
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const $ = (/** @type {string} */ selector) => document.querySelector(selector);
  const collectionPicker = /** @type {HTMLSelectElement | null} */ ($('#collection'));
  const messages = $('#messages');
  if (!collectionPicker || !messages) return;

  /** @param {string} text */
  function notice(text) {
    const element = document.createElement('div');
    element.className = 'error';
    element.setAttribute('role', 'alert');
    element.textContent = text;
    messages?.append(element);
  }

  /** @param {string} method @param {string} url @param {unknown} [body] */
  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data?.error?.message ?? `HTTP ${response.status}`);
    return data;
  }
  collectionPicker?.addEventListener('change', async () => {
    if (collectionPicker.value !== '__new__') return;
    const name = prompt('Name of the new collection');
    if (!name) {
      collectionPicker.value = '';
      return;
    }
    try {
      await api('POST', '/api/collections', { name });
      const option = new Option(name, name, true, true);
      collectionPicker.add(option, collectionPicker.options.length - 1);
      collectionPicker.value = name;
    } catch (error) {
      collectionPicker.value = '';
      notice(`Could not create the collection: ${/** @type {Error} */ (error).message}`);
    }
  });

  const uploads = /** @type {HTMLElement} */ ($('#uploads'));
  /** @param {File} file @param {string} collection */
  function upload(file, collection) {
    const row = document.createElement('div');
    row.className = 'upload-row';
    const label = document.createElement('span');
    label.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', `Uploading ${file.name}`);
    const status = document.createElement('span');
    status.className = 'upload-status';
    status.textContent = 'uploading';
    row.append(label, bar, status);
    uploads.append(row);
    const form = new FormData();
    form.append('file', file);
    const request = new XMLHttpRequest();
    request.open('POST', `/api/collections/${encodeURIComponent(collection)}/documents`);
    request.setRequestHeader('x-csrf-token', csrf);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener('load', () => {
      let data;
      try {
        data = JSON.parse(request.responseText);
      } catch {
        data = {};
      }
      if (request.status !== 202) {
        status.textContent = `failed: ${data?.error?.message ?? request.status}`;
        status.className = 'upload-status failed';
        return;
      }
      bar.value = 100;
      status.textContent = 'indexing';
      const poll = async () => {
        const response = await fetch(`/api/documents/${data.document_id}`);
        const document = await response.json();
        status.textContent = document.status + (document.error ? `: ${document.error}` : '');
        status.className = `upload-status ${document.status}`;
        if (document.status === 'queued' || document.status === 'indexing') setTimeout(poll, 700);
      };
      void poll();
    });
    request.addEventListener('error', () => {
      status.textContent = 'failed: the connection dropped';
      status.className = 'upload-status failed';
    });
    request.send(form);
  }
  $('#upload')?.addEventListener('change', (event) => {
    const picker = /** @type {HTMLInputElement} */ (event.target);
    const collection = collectionPicker?.value;
    if (!collection || collection === '__new__') {
      notice('Pick (or create) a collection under “Documents” first, then upload.');
      picker.value = '';
      return;
    }
    for (const file of picker.files ?? []) upload(file, collection);
    picker.value = '';
  });
})();
