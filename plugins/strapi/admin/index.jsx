// The plugin's admin half: registers the `plugin::media-library.asset` custom field and the
// Settings → Media server page. Labels say "media server" so they are not taken for Strapi's own
// Media Library (whose settings link is `media-library`).
import { Images } from '@strapi/icons';

const id = (key) => `media-library.${key}`;

export default {
  register(app) {
    app.registerPlugin({ id: 'media-library', name: 'Media server' });
    app.addSettingsLink('global', {
      id: 'media-server-settings',
      to: 'media-server',
      intlLabel: { id: id('settings.link'), defaultMessage: 'Media server' },
      Component: () => import('./settings-page.jsx'),
      permissions: [{ action: 'plugin::media-library.settings', subject: null }],
    });
    app.customFields.register({
      name: 'asset',
      pluginId: 'media-library',
      type: 'json',
      icon: Images,
      intlLabel: { id: id('asset.label'), defaultMessage: 'Media server asset' },
      intlDescription: {
        id: id('asset.description'),
        defaultMessage: 'Images and files picked from your media server, with alt text',
      },
      components: { Input: () => import('./asset-input.jsx') },
      options: {
        base: [
          {
            sectionTitle: null,
            items: [
              {
                name: 'options.multiple',
                type: 'checkbox',
                intlLabel: { id: id('options.multiple'), defaultMessage: 'Several assets' },
                description: {
                  id: id('options.multiple.description'),
                  defaultMessage: 'Editors may pick more than one, and reorder them',
                },
              },
              {
                name: 'options.accept',
                type: 'text',
                intlLabel: { id: id('options.accept'), defaultMessage: 'Accepted types' },
                description: {
                  id: id('options.accept.description'),
                  defaultMessage: 'Comma-separated, like image/*, application/pdf (empty: any)',
                },
              },
              {
                name: 'options.rootFolder',
                type: 'text',
                intlLabel: { id: id('options.rootFolder'), defaultMessage: 'Root folder' },
                description: {
                  id: id('options.rootFolder.description'),
                  defaultMessage: 'The folder editors browse and upload into, like /blog/ (empty: all)',
                },
              },
            ],
          },
        ],
      },
    });
  },
};
