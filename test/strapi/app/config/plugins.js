// As a user registers the plugin: the field and token routes, and the upload provider for
// Strapi's own Media Library. Endpoint and keys come from MEDIA_LIBRARY_* in the environment.
module.exports = ({ env }) => ({
  'media-library': {
    enabled: true,
    resolve: './src/plugins/media-library',
  },
  upload: {
    config: {
      provider: '@media-library/strapi/upload-provider',
      providerOptions: {
        endpoint: env('MEDIA_LIBRARY_ENDPOINT'),
        privateKey: env('MEDIA_LIBRARY_PRIVATE_KEY'),
        folder: '/strapi-uploads',
      },
    },
  },
});
