// Hands Strapi's Koa request to media-library's framework-free token endpoint and copies its answer back.
const { actions } = require('./permissions');
const { readSettings } = require('./settings');

/** The endpoint for the current config, made once (the adapter is ESM, so it is imported on first use). */
let endpointPromise;

function tokenEndpoint(strapi) {
  endpointPromise ??= (async () => {
    const config = strapi.config.get('plugin::media-library');
    const missing = ['endpoint', 'publicKey', 'privateKey'].filter((key) => !config[key]);
    if (missing.length > 0) return { missing };
    const { createTokenEndpoint, damUserStatus } = await import('media-library/token-endpoint');
    const endpoint = createTokenEndpoint({
      endpoint: config.endpoint,
      publicKey: config.publicKey,
      privateKey: config.privateKey,
      ttlSeconds: config.ttlSeconds,
      scope: { ...config.scope, access: 'readwrite' },
      authorize: (_request, ctx) =>
        authorizeAdmin(ctx, {
          settings: () => readSettings(strapi),
          damUserStatus: (email) => damUserStatus(config, email),
        }),
      onError: (error) => strapi.log.error(`media-library token endpoint: ${error?.stack ?? error}`),
    });
    return { endpoint };
  })();
  return endpointPromise;
}

/**
 * The admin's role decides: readwrite, read, or no token at all. With "act as the matching DAM
 * user" on, the session also names the admin's email, so the media server applies that DAM user's
 * grants within the role's access; an admin without a DAM account is refused and told why, or
 * gets the role's session when the settings say so.
 */
async function authorizeAdmin(ctx, { settings, damUserStatus }) {
  const ability = ctx.state.userAbility;
  const sub = `strapi-admin:${ctx.state.user?.id}`;
  const access = ability?.can(actions.readwrite)
    ? 'readwrite'
    : ability?.can(actions.read)
      ? 'read'
      : undefined;
  if (!access) return { allow: false };
  const roles = { allow: true, scope: { access }, sub };
  const { damUser, damUserMissing } = await settings();
  const email = ctx.state.user?.email;
  if (!damUser || !email) return roles;
  const status = await damUserStatus(email);
  if (status === 'not-found') {
    if (damUserMissing === 'roles') return roles;
    return {
      allow: false,
      message: `The media library has no account for ${email}, and this Strapi opens it as your own media library account. Ask a media library administrator to add you with this email.`,
    };
  }
  if (status === 'disabled') {
    return {
      allow: false,
      message: `Your media library account (${email}) is disabled. Ask a media library administrator to enable it.`,
    };
  }
  // Active, or a server that cannot tell: the session names the user and the server decides on each call.
  return { ...roles, user: email };
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
    if (response.ok) {
      ctx.body = Buffer.from(await response.arrayBuffer());
      return;
    }
    // A refusal also in Strapi's error shape, so the admin's fetch client hands its message and status on.
    const body = await response
      .json()
      .catch(() => ({ message: `The token endpoint answered ${response.status}.` }));
    ctx.body = {
      ...body,
      error: { status: response.status, name: 'MediaLibraryError', message: body.message },
    };
  },
});

module.exports = { tokenController };
