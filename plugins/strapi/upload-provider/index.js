// An upload provider in the `@strapi/provider-upload-*` shape: Strapi's own Media Library keeps
// its files on a media-library server (or ImageKit) through ImageKit's upload and files API.

function required(config, key, env) {
  const value = config[key] ?? process.env[env];
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`media-library upload provider: set providerOptions.${key} or ${env}`);
  }
  return value;
}

async function bytesOf(file) {
  if (file.buffer) return file.buffer;
  const chunks = [];
  for await (const chunk of file.stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** ImageKit's error body is `{message, help}`; say which call failed and why. */
async function failure(response, what) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body?.message) message = body.message;
  } catch {
    // The status line is all there is.
  }
  return new Error(`media-library upload provider: ${what} failed: ${message}`);
}

module.exports = {
  init(providerOptions = {}) {
    const endpoint = required(providerOptions, 'endpoint', 'MEDIA_LIBRARY_ENDPOINT').replace(/\/+$/, '');
    // Real ImageKit takes uploads on another host (https://upload.imagekit.io); our server takes both.
    const uploadEndpoint = (providerOptions.uploadEndpoint ?? endpoint).replace(/\/+$/, '');
    const privateKey = required(providerOptions, 'privateKey', 'MEDIA_LIBRARY_PRIVATE_KEY');
    const folder = providerOptions.folder ?? '/strapi';
    const authorization = `Basic ${Buffer.from(`${privateKey}:`).toString('base64')}`;

    async function upload(file) {
      const form = new FormData();
      const fileName = `${file.hash}${file.ext ?? ''}`;
      form.append('file', new Blob([await bytesOf(file)], { type: file.mime }), fileName);
      form.append('fileName', fileName);
      form.append('folder', folder);
      form.append('useUniqueFileName', 'false');
      const response = await fetch(`${uploadEndpoint}/api/v1/files/upload`, {
        method: 'POST',
        headers: { authorization },
        body: form,
      });
      if (!response.ok) throw await failure(response, `uploading ${file.name}`);
      const uploaded = await response.json();
      file.url = uploaded.url;
      file.provider_metadata = { fileId: uploaded.fileId, filePath: uploaded.filePath };
    }

    return {
      upload,
      uploadStream: upload,
      async delete(file) {
        const fileId = file.provider_metadata?.fileId;
        if (!fileId) return;
        const response = await fetch(`${endpoint}/v1/files/${encodeURIComponent(fileId)}`, {
          method: 'DELETE',
          headers: { authorization },
        });
        // Already gone is what delete wants.
        if (!response.ok && response.status !== 404) throw await failure(response, `deleting ${file.name}`);
      },
      isPrivate() {
        return false;
      },
    };
  },
};
