// The plugin's server half: the `plugin::media-library.asset` custom field, three admin
// permissions, the token routes (`…/session`, `…/upload-auth`) on media-library's adapter, the
// plugin's settings (`…/settings`), and where-used reports to the media server on entry writes.
const { pluginConfig } = require('./config');
const { permissionActions } = require('./permissions');
const { createReferences } = require('./references');
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
    createReferences(strapi).subscribe();
  },
  routes,
  controllers: { token: tokenController, settings: settingsController },
};
