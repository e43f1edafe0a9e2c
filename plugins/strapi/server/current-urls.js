// A file moved or renamed in the media library gets a new URL (ImageKit's URLs are paths). Entries
// keep each asset's fileId, so when Strapi reads them (the admin, the REST and GraphQL APIs alike)
// the stored url, filePath and name are replaced by the file's current ones, asked of the media
// server once per file and cached for a few minutes.
const { fileIdsOf } = require('./references');

function createCurrentUrls(strapi, fields) {
  /** fileId → { file: {url, filePath, name} | null, expires } or a pending lookup. */
  const cache = new Map();

  async function lookup(fileId) {
    const { endpoint, privateKey } = strapi.config.get('plugin::media-library');
    try {
      const response = await fetch(
        `${String(endpoint).replace(/\/+$/, '')}/v1/files/${encodeURIComponent(fileId)}/details`,
        {
          headers: { authorization: `Basic ${Buffer.from(`${privateKey}:`).toString('base64')}` },
          signal: AbortSignal.timeout(3000),
        },
      );
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      const { url, filePath, name } = await response.json();
      return typeof url === 'string' ? { url, filePath, name } : null;
    } catch {
      return null;
    }
  }

  /** The file's current location, or null when it cannot be told (the stored one stays). */
  function current(fileId) {
    const hit = cache.get(fileId);
    if (hit && (hit.pending || hit.expires > Date.now())) return hit.pending ?? Promise.resolve(hit.file);
    const pending = lookup(fileId).then((file) => {
      const seconds = strapi.config.get('plugin::media-library').urlCacheSeconds ?? 300;
      // A failed lookup is kept at most a minute, so a media server that is down does not slow every read.
      cache.set(fileId, { file, expires: Date.now() + 1000 * (file ? seconds : Math.min(seconds, 60)) });
      return file;
    });
    cache.set(fileId, { pending });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value);
    return pending;
  }

  /** Rewrites the assets in the rows' media-library fields, in place. */
  async function refresh(uid, rows) {
    const { endpoint, privateKey } = strapi.config.get('plugin::media-library');
    if (!endpoint || !privateKey) return;
    const names = fields.get(uid) ?? [];
    const assets = [];
    for (const row of rows) {
      if (!row || typeof row !== 'object') continue;
      for (const name of names) {
        const value = row[name];
        if (!value || typeof value !== 'object') continue;
        for (const asset of Array.isArray(value) ? value : [value]) {
          if (fileIdsOf(asset).length === 1) assets.push(asset);
        }
      }
    }
    await Promise.all(
      assets.map(async (asset) => {
        const file = await current(asset.fileId);
        if (!file) return;
        asset.url = file.url;
        if (typeof file.filePath === 'string') asset.filePath = file.filePath;
        if (typeof file.name === 'string') asset.name = file.name;
      }),
    );
  }

  return {
    afterFindOne: (event) => refresh(event.model.uid, [event.result]),
    afterFindMany: (event) => refresh(event.model.uid, Array.isArray(event.result) ? event.result : []),
  };
}

module.exports = { createCurrentUrls };
