import { expect } from 'chai';
import type { ErrorDetail } from '../../src/element/media-library.js';
import { cleanup, env, grid, itemNames, mount, nextEvent, shadow, testFetchAuth, until } from './helpers.js';

afterEach(cleanup);

describe('sessions', () => {
  it('renews a session the server refuses, silently, and carries on', async () => {
    let calls = 0;
    const element = await mount(
      { 'initial-folder': '/docs' },
      {
        fetchAuth: async (path, init) => {
          calls++;
          if (calls > 1) return fetch(`${env.authUrl}/${path}`, init);
          // The first session looks fine but the server will not take its token.
          const expiresAt = new Date(Date.now() + 600_000).toISOString();
          const body = {
            token: 'not-a-token',
            expiresAt,
            scope: { folder: '/', access: 'readwrite' },
            endpoint: env.url,
          };
          return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
        },
      },
    );
    expect(itemNames(element)).to.deep.equal(['manual.pdf']);
    expect(calls).to.equal(2);
  });

  it('shows the token endpoint’s reason when it refuses a renewal, not "sign in again"', async () => {
    let calls = 0;
    const element = await mount(
      { 'initial-folder': '/docs' },
      {
        fetchAuth: async () => {
          calls++;
          const json = { 'content-type': 'application/json' };
          if (calls > 1) {
            // As a CMS plugin refuses a user without a DAM account.
            const message = 'The media library has no account for jo@example.com.';
            return new Response(JSON.stringify({ message }), { status: 403, headers: json });
          }
          const expiresAt = new Date(Date.now() + 600_000).toISOString();
          const body = {
            token: 'not-a-token',
            expiresAt,
            scope: { folder: '/', access: 'read' },
            endpoint: env.url,
          };
          return new Response(JSON.stringify(body), { headers: json });
        },
      },
      false,
    );
    const alert = await until(
      () => grid(element)?.shadowRoot?.querySelector('[role="alert"]'),
      'the grid’s error',
    );
    expect(alert.textContent).to.contain('no account for jo@example.com');
    expect(alert.textContent).to.not.contain('Sign in again');
  });

  it('says so when the token endpoint refuses, and tells the host through ml-error', async () => {
    const { fetchAuth } = testFetchAuth({ deny: true });
    const element = await mount({}, { fetchAuth }, false);
    const error = await nextEvent<ErrorDetail>(element, 'ml-error');
    expect(error.source).to.equal('session');
    expect(error.status).to.equal(403);
    await element.updateComplete;
    expect(shadow(element).querySelector('.config-error')!.textContent).to.not.equal('');
  });

  it('browses only inside the folder its session is confined to', async () => {
    const { fetchAuth } = testFetchAuth({ scope: { folder: '/alpha', access: 'read' } });
    const element = await mount({}, { fetchAuth });
    expect(element.currentFolder).to.equal('/alpha');
    expect(itemNames(element)).to.include('red-dress.png');
    // A read-only session offers no "New folder".
    expect(shadow(element).querySelector('[popovertarget="folder-form"]')).to.equal(null);
  });

  it('explains a missing configuration instead of failing silently', async () => {
    const element = document.createElement('media-library');
    element.mode = 'inline';
    document.body.append(element);
    await element.updateComplete;
    await element.updateComplete;
    expect(shadow(element).querySelector('.config-error')!.textContent).to.contain('auth-url');
    expect(shadow(element).querySelector('ml-asset-grid')).to.equal(null);
  });

  it('shows a network failure with a retry', async () => {
    const element = await mount({ endpoint: 'http://127.0.0.1:9' });
    const alert = shadow(grid(element)).querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('could not be reached');
    expect(alert.querySelector('button')!.textContent).to.contain('Retry');
  });
});
