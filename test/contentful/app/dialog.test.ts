import { expect } from 'chai';
import type { FieldValue } from '../../../plugins/contentful/src/field-value.js';
import type { DialogInvocation } from '../../../plugins/contentful/src/parameters.js';
import { env, fakeDialogSdk, installation, mountApp } from './fake-sdk.js';
import { cell, cleanup, click, deepElements, libraryIn, shadow, until, viewIn } from './helpers.js';

afterEach(cleanup);

const settings = (overrides: Partial<DialogInvocation> = {}): DialogInvocation => ({
  rootFolder: '/brand',
  accept: '',
  multiple: true,
  maxFiles: 0,
  ...overrides,
});

function gridNames(library: HTMLElement): string[] {
  const grid = shadow(shadow(library).querySelector('ml-asset-grid')!);
  return [...grid.querySelectorAll('[data-index] .name')].map((name) => name.textContent!.trim());
}

/** Controls anywhere in the element (shadow roots included) that offer an upload. */
function uploadControls(library: HTMLElement): Element[] {
  return deepElements(shadow(library)).filter((element) => {
    if (element.matches('input[type="file"], [part~="upload"], [part~="upload-button"], ml-upload-panel'))
      return true;
    if (!element.matches('button, [role="button"], [role="menuitem"], a')) return false;
    const name = `${element.getAttribute('aria-label') ?? ''} ${element.getAttribute('title') ?? ''} ${element.textContent ?? ''}`;
    return /upload|drop files|add files/i.test(name);
  });
}

function newFolderButton(library: HTMLElement): Element | null {
  return shadow(library).querySelector('[popovertarget="folder-form"]');
}

describe('dialog', () => {
  /** The dialog's element once its grid shows files, an empty folder or an error. */
  async function settledLibrary(root: HTMLElement): Promise<HTMLElement> {
    const view = await viewIn(root, 'ml-contentful-dialog');
    const tag: string = 'media-library';
    const library = await until(() => shadow(view).querySelector<HTMLElement>(tag), 'the element');
    await until(() => {
      const grid = shadow(library).querySelector('ml-asset-grid')?.shadowRoot;
      return grid?.querySelector('[data-index], .empty');
    }, 'the listing');
    return library;
  }

  it('acting as the matching DAM user, shows only what the editor’s grant reaches', async () => {
    // dam-editor@example.com may view /brand/archive only; the environment has the app's setting on.
    const asDamEditor = (rootFolder: string) =>
      fakeDialogSdk({
        installation: installation({ damUser: true }),
        invocation: settings({ rootFolder }),
        user: 'dam-editor',
        environment: 'dam-users',
      });
    const archive = await settledLibrary(mountApp(asDamEditor('/brand/archive').sdk));
    expect(gridNames(archive)).to.deep.equal(['old.png']);
    const brand = await settledLibrary(mountApp(asDamEditor('/brand').sdk));
    expect(gridNames(brand)).to.not.include('red.png');
    expect(gridNames(brand)).to.not.include('blue.jpg');
  });

  it('tells an editor without a DAM account why there is no library, naming their email', async () => {
    const dialog = fakeDialogSdk({
      installation: installation({ damUser: true }),
      invocation: settings(),
      user: 'newcomer',
      environment: 'dam-users',
    });
    const root = mountApp(dialog.sdk);
    const alert = await until(
      () =>
        deepElements(root).find(
          (element) =>
            element.getAttribute('role') === 'alert' &&
            element.textContent?.includes('no account for newcomer@example.com'),
        ),
      'the refusal',
    );
    expect(alert.textContent).to.contain('Ask a media library administrator');
  });

  it('shows the library against the real server, and picking two files closes it with their File fields', async () => {
    const dialog = fakeDialogSdk({ installation: installation(), invocation: settings() });
    const library = await libraryIn(mountApp(dialog.sdk));
    expect(library.mode).to.equal('inline');
    // Confined to the root folder: /other is not offered.
    expect(gridNames(library)).to.have.members(['archive', 'red.png', 'blue.jpg', 'guide.pdf']);
    click(cell(library, 'red.png'));
    click(cell(library, 'blue.jpg'), { ctrlKey: true });
    await library.updateComplete;
    click(shadow(library).querySelector('[part="insert-button"]')!);

    const value = (await dialog.closed) as FieldValue;
    const { 'red.png': red, 'blue.jpg': blue } = env.files;
    expect(value).to.deep.equal({
      files: [
        {
          fileId: red!.fileId,
          url: red!.url,
          filePath: '/brand/red.png',
          name: 'red.png',
          mime: 'image/png',
          width: 60,
          height: 40,
          alt: 'A red square',
          focusArea: { x: 10, y: 5, width: 30, height: 20 },
        },
        {
          fileId: blue!.fileId,
          url: blue!.url,
          filePath: '/brand/blue.jpg',
          name: 'blue.jpg',
          mime: 'image/jpeg',
          width: 80,
          height: 50,
        },
      ],
    });
    expect(dialog.signed, 'the session request went through Contentful’s signing').to.be.greaterThan(0);
  });

  it('gives the element the field’s settings', async () => {
    const dialog = fakeDialogSdk({
      installation: installation(),
      invocation: settings({ rootFolder: '/brand/archive', accept: 'image/png', multiple: false }),
    });
    const library = await libraryIn(mountApp(dialog.sdk));
    expect(library.rootFolder).to.equal('/brand/archive');
    expect(library.accept).to.equal('image/png');
    expect(library.multiple).to.equal(false);
    expect(library.endpoint).to.equal(env.mediaUrl);
    expect(gridNames(library)).to.deep.equal(['old.png']);
  });

  it('shows the token endpoint’s refusal when requests are not signed', async () => {
    const dialog = fakeDialogSdk({
      installation: installation({ signRequests: false }),
      invocation: settings(),
    });
    const library = await libraryIn(mountApp(dialog.sdk));
    const problem = shadow(library).querySelector('.config-error')!;
    expect(problem.textContent).to.contain('not allowed to use the media library');
    expect(dialog.signed).to.equal(0);
  });

  it('says what is missing when the app has no token endpoint configured', async () => {
    const dialog = fakeDialogSdk({ installation: installation({ authUrl: '' }), invocation: settings() });
    const view = await viewIn(mountApp(dialog.sdk), 'ml-contentful-dialog');
    expect(shadow(view).querySelector('[role="alert"]')!.textContent).to.contain('not configured');
    expect(shadow(view).querySelector('media-library')).to.equal(null);
  });

  it('a read-only session offers no upload', async () => {
    const editor = fakeDialogSdk({ installation: installation(), invocation: settings(), user: 'editor-1' });
    const writable = await libraryIn(mountApp(editor.sdk));
    // The same check can fail: a read-write session does offer to add to the library.
    await until(() => newFolderButton(writable), 'the read-write toolbar');
    cleanup();

    const reader = fakeDialogSdk({ installation: installation(), invocation: settings(), user: 'reader' });
    const library = await libraryIn(mountApp(reader.sdk));
    expect(gridNames(library)).to.include('red.png');
    await new Promise((resolve) => setTimeout(resolve, 200)); // lazy parts load when idle
    expect(newFolderButton(library)).to.equal(null);
    expect(uploadControls(library)).to.deep.equal([]);
  });
});
