// Endpoint and keys come from config/plugins or the environment; they never reach the admin UI.
const pluginConfig = {
  default: ({ env }) => ({
    endpoint: env('MEDIA_LIBRARY_ENDPOINT', ''),
    publicKey: env('MEDIA_LIBRARY_PUBLIC_KEY', ''),
    privateKey: env('MEDIA_LIBRARY_PRIVATE_KEY', ''),
    /** Defaults for every session: `{ folder, maxFileSize, accept }` (roles decide `access`). */
    scope: {},
    ttlSeconds: 600,
    /** How long a file's current URL is cached after asking the media server (a move shows after at most this). */
    urlCacheSeconds: env.int('MEDIA_LIBRARY_URL_CACHE_SECONDS', 300),
  }),
  validator(config) {
    for (const key of ['endpoint', 'publicKey', 'privateKey']) {
      if (typeof config[key] !== 'string') {
        throw new TypeError(`media-library: config.${key} must be a string`);
      }
    }
    if (!Number.isInteger(config.urlCacheSeconds) || config.urlCacheSeconds < 0) {
      throw new TypeError(
        'media-library: config.urlCacheSeconds must be a whole number of seconds, 0 or more',
      );
    }
    if (config.endpoint && !/^https?:\/\//.test(config.endpoint)) {
      throw new TypeError(
        'media-library: config.endpoint must be the media server URL, like https://media.example',
      );
    }
  },
};

module.exports = { pluginConfig };
