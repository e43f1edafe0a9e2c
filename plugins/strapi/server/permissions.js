// Roles decide scope: `read` browses and picks, `readwrite` also uploads and edits on the media server.
const permissionActions = [
  {
    section: 'plugins',
    displayName: 'Browse and pick assets (read)',
    uid: 'read',
    pluginName: 'media-library',
  },
  {
    section: 'plugins',
    displayName: 'Upload and edit assets (read and write)',
    uid: 'readwrite',
    pluginName: 'media-library',
  },
  {
    section: 'settings',
    category: 'media server',
    displayName: 'Manage the Media server settings (DAM users)',
    uid: 'settings',
    pluginName: 'media-library',
  },
];

const actions = {
  read: 'plugin::media-library.read',
  readwrite: 'plugin::media-library.readwrite',
  settings: 'plugin::media-library.settings',
};

module.exports = { permissionActions, actions };
