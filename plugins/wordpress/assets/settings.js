/** Settings → Media Library: "Test connection" asks the server side, which says in plain words what is wrong. */
(() => {
  const button = document.getElementById('ml-test-connection');
  const result = document.getElementById('ml-test-result');
  if (!button || !result) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.className = '';
    result.textContent = wp.i18n.__('Testing…', 'media-library');
    try {
      const answer = await wp.apiFetch({ path: '/media-library/v1/test-connection', method: 'POST' });
      result.className = `notice inline ${answer.ok ? 'notice-success' : 'notice-error'}`;
      result.textContent = answer.message;
    } catch (failure) {
      result.className = 'notice inline notice-error';
      result.textContent = failure.message || String(failure);
    } finally {
      button.disabled = false;
    }
  });
})();
