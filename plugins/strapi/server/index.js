// The plugin's server half: the `plugin::media-library.asset` custom field, three admin
// permissions, the token routes (`…/session`, `…/upload-auth`) on media-library's adapter, the
// plugin's settings (`…/settings`), where-used reports to the media server on entry writes, and
// assets' current URLs on reads (after a move or rename in the media library).
const { pluginConfig } = require('./config');
const { permissionActions } = require('./permissions');
const { createCurrentUrls } = require('./current-urls');
const { createReferences, mediaFieldsOf } = require('./references');
const { routes } = require('./routes');
const { settingsController } = require('./settings');
const { tokenController } = require('./token-controller');

module.exports = {
  config: pluginConfig,
  register({ strapi }) {
    strapi.customFields.register({ name: 'asset', plugin: 'media-library', type: 'json' });
  },
  async bootstrap({ strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany(permissionActions);
    const models = createReferences(strapi).subscribe();
    if (models.length > 0) {
      const fields = new Map(models.map((uid) => [uid, mediaFieldsOf(strapi.contentType(uid))]));
      strapi.db.lifecycles.subscribe({ models, ...createCurrentUrls(strapi, fields) });
    }
  },
  routes,
  controllers: { token: tokenController, settings: settingsController },
};
