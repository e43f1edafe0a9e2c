import { expect } from 'chai';
import type { InstallationParameters } from '../../../plugins/contentful/src/parameters.js';
import { env, fakeConfigSdk, mountApp } from './fake-sdk.js';
import { cleanup, shadow, type, until, viewIn } from './helpers.js';

afterEach(cleanup);

/** The parameters an `onConfigure` answer saves; fails if it refused to save. */
function saved(answer: Awaited<ReturnType<ReturnType<typeof fakeConfigSdk>['configure']>>) {
  if (!answer) throw new Error('onConfigure refused to save');
  return answer.parameters;
}

async function openConfig(options: Parameters<typeof fakeConfigSdk>[0] = {}) {
  const contentful = fakeConfigSdk(options);
  const view = await viewIn(mountApp(contentful.sdk), 'ml-contentful-config');
  await contentful.ready;
  await view.updateComplete;
  const input = (id: string) => shadow(view).getElementById(id) as HTMLInputElement;
  return { contentful, view, input };
}

describe('app configuration', () => {
  it('saves tidied parameters once the token endpoint and the media server answer', async () => {
    const state = { EditorInterface: { article: { controls: [{ fieldId: 'images' }] } } };
    const { contentful, view, input } = await openConfig({ state });
    type(input('authUrl'), `${env.authUrl}/`);
    type(input('endpoint'), env.mediaUrl);
    type(input('rootFolder'), 'brand/');
    type(input('accept'), 'image/*, .PDF');
    input('multiple').click();
    await view.updateComplete;
    type(input('maxFiles'), '5');

    const answer = await contentful.configure();

    const expected: InstallationParameters = {
      endpoint: env.mediaUrl,
      authUrl: env.authUrl,
      rootFolder: '/brand',
      accept: 'image/*,.pdf',
      multiple: true,
      maxFiles: 5,
      signRequests: true,
      damUser: false,
      damUserMissing: 'refuse',
    };
    expect(answer).to.deep.equal({ parameters: expected, targetState: state });
    expect(contentful.signed, 'the session request was signed through Contentful').to.be.greaterThan(0);
    expect(contentful.notifications).to.deep.equal([]);
    await view.updateComplete;
    const status = shadow(view).querySelector('[role="status"]')!;
    expect(status.textContent).to.contain('Connected');
    expect(status.textContent).to.contain('read and write, folder /brand/');
  });

  it('saves "Act as the matching DAM user" and what an editor without a DAM account gets', async () => {
    const { contentful, view, input } = await openConfig({ stored: { authUrl: env.authUrl } });
    expect(input('damUser').checked).to.equal(false);
    expect(input('damUserMissing-refuse'), 'the choice shows once the setting is on').to.equal(null);
    input('damUser').click();
    await view.updateComplete;
    expect(input('damUserMissing-refuse').checked).to.equal(true);
    input('damUserMissing-roles').click();
    await view.updateComplete;
    expect(saved(await contentful.configure())).to.include({ damUser: true, damUserMissing: 'roles' });

    const reopened = await openConfig({
      stored: { authUrl: env.authUrl, damUser: true, damUserMissing: 'roles' },
    });
    expect(reopened.input('damUser').checked).to.equal(true);
    expect(reopened.input('damUserMissing-roles').checked).to.equal(true);
  });

  it('shows the saved parameters', async () => {
    const stored = {
      authUrl: env.authUrl,
      rootFolder: '/brand',
      accept: 'image/*',
      multiple: true,
      maxFiles: 3,
    };
    const { input } = await openConfig({ stored });
    expect(input('authUrl').value).to.equal(env.authUrl);
    expect(input('endpoint').value).to.equal('');
    expect(input('rootFolder').value).to.equal('/brand');
    expect(input('accept').value).to.equal('image/*');
    expect(input('multiple').checked).to.equal(true);
    expect(input('maxFiles').value).to.equal('3');
    expect(input('signRequests').checked).to.equal(true);
  });

  it('uses the media server the token endpoint names when none is given', async () => {
    const { contentful, input } = await openConfig();
    type(input('authUrl'), env.authUrl);
    const answer = await contentful.configure();
    expect(saved(answer)).to.include({ endpoint: '', authUrl: env.authUrl, rootFolder: '/' });
  });

  it('refuses to save when the token endpoint cannot be reached, and says which', async () => {
    const { contentful, view, input } = await openConfig();
    type(input('authUrl'), 'http://127.0.0.1:9/media');
    expect(await contentful.configure()).to.equal(false);
    expect(contentful.notifications).to.have.length(1);
    expect(contentful.notifications[0]!.kind).to.equal('error');
    expect(contentful.notifications[0]!.message).to.contain('http://127.0.0.1:9/media could not be reached');
    await view.updateComplete;
    expect(shadow(view).querySelector('[role="alert"]')!.textContent).to.contain('could not be reached');
  });

  it('refuses a media server URL that is not a media server', async () => {
    const { contentful, input } = await openConfig();
    type(input('authUrl'), env.authUrl);
    // A server that answers (Contentful's API here), but not as a media server.
    type(input('endpoint'), env.contentfulUrl);
    expect(await contentful.configure()).to.equal(false);
    expect(contentful.notifications[0]!.message).to.match(/answered HTTP 404/);
  });

  it('marks a malformed URL without calling anything', async () => {
    const { contentful, view, input } = await openConfig();
    type(input('authUrl'), 'media.example.com');
    expect(await contentful.configure()).to.equal(false);
    expect(contentful.signed).to.equal(0);
    expect(contentful.notifications[0]!.message).to.contain('must be a full URL');
    await view.updateComplete;
    expect(input('authUrl').getAttribute('aria-invalid')).to.equal('true');
    type(input('authUrl'), env.authUrl);
    await view.updateComplete;
    expect(input('authUrl').getAttribute('aria-invalid')).to.equal('false');
  });

  it('refuses file types that are not file types', async () => {
    const { contentful, input } = await openConfig();
    type(input('authUrl'), env.authUrl);
    type(input('accept'), 'images');
    expect(await contentful.configure()).to.equal(false);
    expect(contentful.notifications[0]!.message).to.contain('"images" is not a file type');
  });

  it('before installation, saves when the endpoint answers though Contentful cannot sign yet', async () => {
    const { contentful, input } = await openConfig({ installed: false });
    type(input('authUrl'), env.authUrl);
    type(input('endpoint'), env.mediaUrl);
    const answer = await contentful.configure();
    expect(saved(answer)).to.include({ authUrl: env.authUrl });
    expect(contentful.signed).to.equal(0);
    const warning = contentful.notifications.find((note) => note.kind === 'warning');
    expect(warning?.message).to.contain('once the app is installed');
  });

  it('checks the connection on request and reports a refusal', async () => {
    const { view, input } = await openConfig({ user: 'outsider' });
    type(input('authUrl'), env.authUrl);
    const button = [...shadow(view).querySelectorAll('button')].find((b) =>
      b.textContent?.includes('Check'),
    )!;
    button.click();
    const status = await until(() => shadow(view).querySelector('.note'), 'the check result');
    expect(status.textContent).to.contain('gave you no session');
    expect(status.className).to.contain('warning');
  });
});
