// The built bundle (npm run build:contentful) with the real App SDK inside it: this page plays
// Contentful's web app at the SDK's postMessage boundary (connect, then answer the SDK's calls),
// so what ships is checked, SDK and contentful-management included, not only the sources.
import type { ConnectMessage } from '@contentful/app-sdk';
import { expect } from 'chai';
import type { FieldValue } from '../../../plugins/contentful/src/field-value.js';
import { appDefinitionId, env, installation } from './fake-sdk.js';
import { cell, cleanup, click, libraryIn, shadow, until } from './helpers.js';

afterEach(cleanup);

const bundle = '/plugins/contentful/dist/app/index.html';

interface SdkMessage {
  id: number;
  method: string;
  params: unknown[];
}

/** What the SDK's CMA adapter asks the web app to do (contentful-management's `makeRequest`). */
interface CmaCall {
  entityType: string;
  action: string;
  params: { spaceId: string; environmentId: string; appDefinitionId: string };
  payload: unknown;
}

/** Loads the bundle in an iframe, connects it as `location`, and answers its calls as Contentful would. */
async function openBundle(connect: Partial<ConnectMessage>) {
  const response = await fetch(bundle);
  expect(response.ok, 'build the app first: npm run build:contentful').to.equal(true);
  const frame = document.createElement('iframe');
  frame.dataset.testContainer = '';
  frame.style.cssText = 'width: 1200px; height: 760px; border: 0';
  const messages: SdkMessage[] = [];
  const errors: string[] = [];
  const answer = (id: number, result: unknown) => frame.contentWindow!.postMessage({ id, result }, '*');
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow) return;
    const message = event.data as SdkMessage;
    messages.push(message);
    if (message.method === 'CMAAdapterCall') answer(message.id, await cma(message.params[0] as CmaCall));
  });
  await new Promise<void>((resolve) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    frame.src = bundle;
    document.body.append(frame);
  });
  frame.contentWindow!.addEventListener('error', (event) => errors.push(event.message));
  frame.contentWindow!.postMessage({ method: 'connect', params: [connect, []] }, '*');
  return { frame, messages, errors, document: () => frame.contentDocument! };
}

/** The one CMA call the app makes: Contentful's API signs the request (here, the fake Contentful server). */
async function cma(call: CmaCall): Promise<unknown> {
  expect(`${call.entityType}.${call.action}`).to.equal('AppSignedRequest.create');
  const { spaceId, environmentId, appDefinitionId: app } = call.params;
  const response = await fetch(
    `${env.contentfulUrl}/spaces/${spaceId}/environments/${environmentId}/app_installations/${app}/signed_requests`,
    {
      method: 'POST',
      headers: { authorization: 'Bearer editor-1', 'content-type': 'application/json' },
      body: JSON.stringify(call.payload),
    },
  );
  return response.json();
}

/** The connect message's common part, typed by the SDK's own `ConnectMessage`. */
function connectMessage(
  location: string,
  parameters: { installation: object; instance: object; invocation?: unknown },
): Partial<ConnectMessage> {
  return {
    id: 'test-widget',
    location,
    // The SDK types the connect message's invocation parameters as `never`; dialogs do get them.
    parameters: parameters as ConnectMessage['parameters'],
    locales: {
      default: 'en-US',
      available: ['en-US'],
      names: { 'en-US': 'English (United States)' },
      fallbacks: { 'en-US': undefined },
      optional: { 'en-US': false },
      direction: { 'en-US': 'ltr' },
    },
    user: {
      sys: { id: 'editor-1', type: 'User' },
      firstName: 'Ed',
      lastName: 'Itor',
      email: 'editor@example.com',
      avatarUrl: '',
      spaceMembership: { sys: { id: 'membership-1', type: 'SpaceMembership' }, admin: false, roles: [] },
    },
    initialContentTypes: [],
    ids: {
      user: 'editor-1',
      organization: 'org-1',
      app: appDefinitionId,
      space: 'space-1',
      environment: 'master',
      field: '',
      entry: '',
      contentType: '',
    },
    hostnames: {
      delivery: 'cdn.contentful.com',
      management: 'api.contentful.com',
      preview: 'preview.contentful.com',
      upload: 'upload.contentful.com',
      graphql: 'graphql.contentful.com',
      webapp: 'app.contentful.com',
    },
    uiLanguageLocale: 'en-US',
  };
}

describe('the built bundle, with the real App SDK', () => {
  it('runs the dialog: the element lists the library, and Insert closes with the picked files', async () => {
    const invocation = { rootFolder: '/brand', accept: '', multiple: true, maxFiles: 0 };
    const app = await openBundle(
      connectMessage('dialog', { installation: installation(), instance: {}, invocation }),
    );
    const library = await libraryIn(await until(() => app.document().getElementById('app'), 'the app root'));
    click(cell(library, 'guide.pdf'));
    click(cell(library, 'blue.jpg'), { ctrlKey: true });
    await library.updateComplete;
    click(shadow(library).querySelector('[part="insert-button"]')!);
    const closed = await until(
      () => app.messages.find((message) => message.method === 'closeDialog'),
      'the dialog to close',
    );
    const value = closed.params[0] as FieldValue;
    expect(value.files.map((file) => file.filePath)).to.deep.equal(['/brand/guide.pdf', '/brand/blue.jpg']);
    expect(value.files[0]).to.deep.include({
      mime: 'application/pdf',
      fileId: env.files['guide.pdf']!.fileId,
    });
    expect(app.messages.some((message) => message.method === 'CMAAdapterCall')).to.equal(true);
    expect(app.errors).to.deep.equal([]);
  });

  it('runs the field: shows the stored files, opens the dialog, and stores its answer with setValue', async () => {
    const red = { ...env.files['red.png']!, name: 'red.png', mime: 'image/png' };
    const blue = { ...env.files['blue.jpg']!, name: 'blue.jpg', mime: 'image/jpeg' };
    const link = (linkType: string, id: string) => ({ sys: { type: 'Link' as const, linkType, id } });
    const app = await openBundle({
      ...connectMessage('entry-field', { installation: installation(), instance: { maxFiles: 4 } }),
      field: {
        id: 'images',
        name: 'Images',
        locale: 'en-US',
        type: 'Object',
        required: false,
        validations: [],
        value: { files: [red] },
        isDisabled: false,
        schemaErrors: [],
      },
      fieldInfo: [],
      entry: {
        sys: {
          type: 'Entry',
          id: 'entry-1',
          version: 1,
          createdAt: '2024-01-01T00:00:00Z',
          updatedAt: '2024-01-01T00:00:00Z',
          space: link('Space', 'space-1'),
          environment: link('Environment', 'master'),
          contentType: link('ContentType', 'article'),
          automationTags: [],
        },
      },
      editor: { localeSettings: { mode: 'single' }, showHiddenFields: false },
    });
    const view = await until(() => app.document().querySelector('ml-contentful-field'), 'the field');
    await until(() => shadow(view).querySelector('li .name')?.textContent === 'red.png', 'the stored file');
    const add = [...shadow(view).querySelectorAll('button')].find(
      (b) => b.textContent?.trim() === 'Add files',
    )!;
    add.click();
    const opened = await until(
      () => app.messages.find((message) => message.method === 'openDialog'),
      'the dialog to open',
    );
    const [kind, options] = opened.params as [string, { id: string; parameters: unknown }];
    expect(kind).to.equal('app');
    expect(options.id).to.equal(appDefinitionId);
    expect(options.parameters).to.deep.equal({
      rootFolder: '/brand',
      accept: '',
      multiple: true,
      maxFiles: 3,
    });
    app.frame.contentWindow!.postMessage({ id: opened.id, result: { files: [blue] } }, '*');
    const stored = await until(
      () => app.messages.find((message) => message.method === 'setValue'),
      'the field to be written',
    );
    expect(stored.params).to.deep.equal(['images', 'en-US', { files: [red, blue] }]);
    expect(app.errors).to.deep.equal([]);
  });

  it('runs the configuration screen: reads the saved parameters and tells Contentful it is ready', async () => {
    const stored = installation({ rootFolder: '/brand/archive' });
    const app = await openBundle(connectMessage('app-config', { installation: {}, instance: {} }));
    // The SDK asks for the parameters through the web app; answer like Contentful does.
    const answered = new Set<number>();
    await until(() => {
      for (const message of app.messages) {
        if (message.method !== 'callAppMethod' || answered.has(message.id)) continue;
        answered.add(message.id);
        const method = message.params[0];
        const result = method === 'getParameters' ? stored : method === 'isInstalled' ? true : null;
        app.frame.contentWindow!.postMessage({ id: message.id, result }, '*');
      }
      return [...app.messages].some((m) => m.method === 'callAppMethod' && m.params[0] === 'setReady');
    }, 'setReady');
    const view = app.document().querySelector('ml-contentful-config')!;
    await until(
      () => (shadow(view).getElementById('rootFolder') as HTMLInputElement).value === '/brand/archive',
    );
    expect((shadow(view).getElementById('authUrl') as HTMLInputElement).value).to.equal(env.authUrl);
    expect(app.errors).to.deep.equal([]);
  });
});
