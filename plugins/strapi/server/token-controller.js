// Hands Strapi's Koa request to media-library's framework-free token endpoint and copies its answer back.
const { actions } = require('./permissions');

/** The endpoint for the current config, made once (the adapter is ESM, so it is imported on first use). */
let endpointPromise;

function tokenEndpoint(strapi) {
  endpointPromise ??= (async () => {
    const config = strapi.config.get('plugin::media-library');
    const missing = ['endpoint', 'publicKey', 'privateKey'].filter((key) => !config[key]);
    if (missing.length > 0) return { missing };
    const { createTokenEndpoint } = await import('media-library/token-endpoint');
    const endpoint = createTokenEndpoint({
      endpoint: config.endpoint,
      publicKey: config.publicKey,
      privateKey: config.privateKey,
      ttlSeconds: config.ttlSeconds,
      scope: { ...config.scope, access: 'readwrite' },
      authorize: (_request, ctx) => authorizeAdmin(ctx),
      onError: (error) => strapi.log.error(`media-library token endpoint: ${error?.stack ?? error}`),
    });
    return { endpoint };
  })();
  return endpointPromise;
}

/** The admin's role decides: readwrite, read, or no token at all. */
function authorizeAdmin(ctx) {
  const ability = ctx.state.userAbility;
  const sub = `strapi-admin:${ctx.state.user?.id}`;
  if (ability?.can(actions.readwrite)) return { allow: true, scope: { access: 'readwrite' }, sub };
  if (ability?.can(actions.read)) return { allow: true, scope: { access: 'read' }, sub };
  return { allow: false };
}

const tokenController = ({ strapi }) => ({
  async handle(ctx) {
    const { endpoint, missing } = await tokenEndpoint(strapi);
    if (!endpoint) {
      ctx.status = 503;
      ctx.body = {
        message: `The media library is not configured: set ${missing.join(', ')} in config/plugins (media-library) or MEDIA_LIBRARY_* env.`,
      };
      return;
    }
    const hasBody = ctx.method === 'POST';
    const request = new Request(new URL(ctx.url, 'http://strapi.internal'), {
      method: ctx.method,
      headers: { 'content-type': 'application/json' },
      ...(hasBody && { body: JSON.stringify(ctx.request.body ?? {}) }),
    });
    const response = await endpoint(request, ctx);
    ctx.status = response.status;
    response.headers.forEach((value, name) => {
      if (name !== 'content-length') ctx.set(name, value);
    });
    ctx.body = Buffer.from(await response.arrayBuffer());
  },
});

module.exports = { tokenController };
