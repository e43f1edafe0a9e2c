// Settings → Media server, kept in Strapi's plugin store: whether sessions act as the admin's
// matching DAM user (by email), and what an admin without a DAM account gets then.
const missingChoices = ['refuse', 'roles'];

/** Off, as before the setting existed; with it on, an admin without a DAM account is refused and told why. */
const defaultSettings = { damUser: false, damUserMissing: 'refuse' };

const store = (strapi) => strapi.store({ type: 'plugin', name: 'media-library', key: 'settings' });

/** The stored settings over their defaults. */
async function readSettings(strapi) {
  const stored = (await store(strapi).get()) ?? {};
  return {
    damUser: typeof stored.damUser === 'boolean' ? stored.damUser : defaultSettings.damUser,
    damUserMissing: missingChoices.includes(stored.damUserMissing)
      ? stored.damUserMissing
      : defaultSettings.damUserMissing,
  };
}

/** Checks a settings body; answers the settings, or a message naming what is wrong. */
function parseSettings(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { message: 'Send the settings as a JSON object: { damUser, damUserMissing }.' };
  }
  const unknown = Object.keys(body).filter((key) => !(key in defaultSettings));
  if (unknown.length > 0) return { message: `Unknown setting ${unknown.join(', ')}.` };
  if (body.damUser !== undefined && typeof body.damUser !== 'boolean') {
    return { message: 'damUser must be true or false.' };
  }
  if (body.damUserMissing !== undefined && !missingChoices.includes(body.damUserMissing)) {
    return { message: `damUserMissing must be ${missingChoices.join(' or ')}.` };
  }
  return { settings: body };
}

const settingsController = ({ strapi }) => ({
  async get(ctx) {
    ctx.body = { data: await readSettings(strapi) };
  },
  async update(ctx) {
    const { settings, message } = parseSettings(ctx.request.body);
    if (!settings) {
      ctx.status = 400;
      ctx.body = { data: null, error: { status: 400, name: 'ValidationError', message } };
      return;
    }
    const next = { ...(await readSettings(strapi)), ...settings };
    await store(strapi).set({ value: next });
    ctx.body = { data: next };
  },
});

module.exports = { defaultSettings, readSettings, parseSettings, settingsController };
