// Admin routes: `/media-library/session` and `/media-library/upload-auth`, for logged-in admins only;
// which of them may have a token, and with what access, is the controller's permission check.
const policies = ['admin::isAuthenticatedAdmin'];
const route = (method, path) => ({ method, path, handler: 'token.handle', config: { policies } });

const routes = {
  admin: {
    type: 'admin',
    routes: [route('POST', '/session'), route('GET', '/upload-auth'), route('POST', '/upload-auth')],
  },
};

module.exports = { routes };
