/**
 * One <media-library> element in modal mode, shared by the block and classic editors.
 * It calls this site's REST token endpoint through wp.apiFetch, which adds the REST nonce.
 */
(() => {
  const config = window.mediaLibraryConfig || {};
  const { __ } = wp.i18n;
  let element;

  /** The element's fetchAuth hook: the WordPress REST route, nonce included (and refreshed) by apiFetch. */
  function fetchAuth(path, init) {
    const headers = {};
    new Headers(init.headers || {}).forEach((value, name) => {
      headers[name] = value;
    });
    return wp
      .apiFetch({
        path: config.restPath + path,
        method: init.method || 'GET',
        headers,
        body: init.body,
        signal: init.signal,
        parse: false,
      })
      .catch((failure) => (failure instanceof Response ? failure : Promise.reject(failure)));
  }

  function picker() {
    if (element) return element;
    element = document.createElement('media-library');
    element.setAttribute('mode', 'modal');
    element.setAttribute('accept', 'image/*');
    element.setAttribute('root-folder', config.rootFolder || '/');
    if (config.endpoint) element.setAttribute('endpoint', config.endpoint);
    element.fetchAuth = fetchAuth;
    document.body.appendChild(element);
    return element;
  }

  /** Opens the picker; resolves with the inserted Files, or null when the user closed it. */
  async function open({ multiple = false } = {}) {
    if (!config.configured) {
      window.alert(
        __(
          'The media library is not set up yet: an administrator must enter the media server endpoint and keys under Settings → Media Library.',
          'media-library',
        ),
      );
      return null;
    }
    await customElements.whenDefined('media-library');
    const el = picker();
    el.multiple = multiple;
    return new Promise((resolve) => {
      const done = (files) => {
        el.removeEventListener('ml-insert', onInsert);
        el.removeEventListener('ml-close', onClose);
        resolve(files);
      };
      const onInsert = (event) => done(event.detail.files);
      const onClose = () => done(null);
      el.addEventListener('ml-insert', onInsert);
      el.addEventListener('ml-close', onClose);
      el.show();
    });
  }

  /** `srcset` of ImageKit width transforms up to the file's width (as the PHP side builds it). */
  function srcset(url, width) {
    if (!width) return '';
    const separator = url.includes('?') ? '&' : '?';
    const entries = (config.widths || [])
      .filter((candidate) => candidate < width)
      .map((candidate) => `${url}${separator}tr=w-${candidate} ${candidate}w`);
    entries.push(`${url} ${width}w`);
    return entries.join(', ');
  }

  const sizes = (width) => (width ? `(max-width: ${width}px) 100vw, ${width}px` : '');

  /** "Import into WordPress": a WordPress attachment for the file; answers `{id, url}`. */
  function importFile(file) {
    return wp.apiFetch({
      path: `${config.restPath}import`,
      method: 'POST',
      data: {
        url: file.url,
        name: file.name,
        alt: file.description || '',
        description: file.description || '',
        fileId: file.fileId,
      },
    });
  }

  window.mediaLibraryPicker = { open, srcset, sizes, importFile, config };
})();
