// Admin routes: `/media-library/session` and `/media-library/upload-auth`, for logged-in admins only
// (which of them may have a token, and with what access, is the controller's permission check),
// and `/media-library/settings` for admins whose role may manage the plugin's settings.
const { actions } = require('./permissions');

const policies = ['admin::isAuthenticatedAdmin'];
const route = (method, path) => ({ method, path, handler: 'token.handle', config: { policies } });
const settingsPolicies = [
  ...policies,
  { name: 'admin::hasPermissions', config: { actions: [actions.settings] } },
];
const settingsRoute = (method, handler) => ({
  method,
  path: '/settings',
  handler: `settings.${handler}`,
  config: { policies: settingsPolicies },
});

const routes = {
  admin: {
    type: 'admin',
    routes: [
      route('POST', '/session'),
      route('GET', '/upload-auth'),
      route('POST', '/upload-auth'),
      settingsRoute('GET', 'get'),
      settingsRoute('PUT', 'update'),
    ],
  },
};

module.exports = { routes };
