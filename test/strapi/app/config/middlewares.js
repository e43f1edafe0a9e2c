// The admin loads thumbnails from, and the element calls, the media server: the CSP must allow it.
module.exports = ({ env }) => {
  const media = env('MEDIA_LIBRARY_ENDPOINT');
  return [
    'strapi::logger',
    'strapi::errors',
    {
      name: 'strapi::security',
      config: {
        contentSecurityPolicy: {
          useDefaults: true,
          directives: {
            'connect-src': ["'self'", 'https:', media],
            'img-src': ["'self'", 'data:', 'blob:', media],
            'media-src': ["'self'", 'data:', 'blob:', media],
          },
        },
      },
    },
    'strapi::cors',
    'strapi::poweredBy',
    'strapi::query',
    'strapi::body',
    'strapi::session',
    'strapi::favicon',
    'strapi::public',
  ];
};
