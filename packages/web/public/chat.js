// Enter sends, Shift+Enter adds a line; keeps the newest message in view.
document.addEventListener('keydown', (event) => {
  const target = event.target;
  if (
    target instanceof HTMLTextAreaElement &&
    target.id === 'message' &&
    event.key === 'Enter' &&
    !event.shiftKey &&
    !event.isComposing
  ) {
    event.preventDefault();
    target.form?.requestSubmit();
  }
});
document.addEventListener('htmx:wsAfterMessage', () => {
  window.scrollTo({ top: document.body.scrollHeight });
});
