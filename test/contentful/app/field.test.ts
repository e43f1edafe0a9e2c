import { expect } from 'chai';
import type { StoredFile } from '../../../plugins/contentful/src/field-value.js';
import type { DialogInvocation } from '../../../plugins/contentful/src/parameters.js';
import { env, fakeDialogSdk, fakeFieldSdk, installation, mountApp } from './fake-sdk.js';
import { buttonNamed, cell, cleanup, click, libraryIn, shadow, until, viewIn } from './helpers.js';

afterEach(cleanup);

/** A stored file for the fixture file `name`, as the dialog would hand it over. */
function stored(name: string): StoredFile {
  const file = env.files[name]!;
  return { ...file, name, mime: name.endsWith('.png') ? 'image/png' : 'image/jpeg' };
}

async function openField(
  options: Omit<Parameters<typeof fakeFieldSdk>[0], 'installation'> & {
    installation?: Parameters<typeof fakeFieldSdk>[0]['installation'];
  },
) {
  const contentful = fakeFieldSdk({ installation: installation(), ...options });
  const view = await viewIn(mountApp(contentful.sdk), 'ml-contentful-field');
  const names = () => [...shadow(view).querySelectorAll('li .name')].map((name) => name.textContent);
  const button = (name: string | RegExp) => buttonNamed(shadow(view), name);
  return { contentful, view, names, button };
}

describe('field', () => {
  it('opens the dialog with the field’s settings and adds what it returns, once each', async () => {
    const { contentful, view, names, button } = await openField({
      installation: installation({ multiple: false, accept: 'image/*' }),
      instance: { selection: 'multiple', maxFiles: 3, rootFolder: 'brand/archive' },
      value: { files: [stored('red.png')] },
      dialog: async () => ({ files: [stored('blue.jpg'), stored('red.png')] }),
    });
    expect(names()).to.deep.equal(['red.png']);
    button('Add files')!.click();
    await until(() => contentful.writes.length === 1, 'the field to be written');
    expect(contentful.dialogs).to.have.length(1);
    expect(contentful.dialogs[0]).to.deep.include({
      width: 'fullWidth',
      parameters: { rootFolder: '/brand/archive', accept: 'image/*', multiple: true, maxFiles: 2 },
    });
    expect(contentful.writes[0]).to.deep.equal({ files: [stored('red.png'), stored('blue.jpg')] });
    await view.updateComplete;
    expect(names()).to.deep.equal(['red.png', 'blue.jpg']);
  });

  it('replaces the file of a single-file field', async () => {
    let answer = stored('red.png');
    const { contentful, view, names, button } = await openField({
      installation: installation({ multiple: false }),
      dialog: async () => ({ files: [answer] }),
    });
    expect(names()).to.deep.equal([]);
    button('Choose a file')!.click();
    await until(() => contentful.writes.length === 1, 'the first write');
    expect(contentful.dialogs[0]!.parameters).to.deep.equal({
      rootFolder: '/brand',
      accept: '',
      multiple: false,
      maxFiles: 0,
    });
    await view.updateComplete;
    answer = stored('blue.jpg');
    button('Replace file')!.click();
    await until(() => contentful.writes.length === 2, 'the second write');
    expect(contentful.writes[1]).to.deep.equal({ files: [stored('blue.jpg')] });
    await view.updateComplete;
    expect(names()).to.deep.equal(['blue.jpg']);
  });

  it('keeps the value when the editor dismisses the dialog', async () => {
    const { contentful, names, button } = await openField({
      value: { files: [stored('red.png')] },
      dialog: async () => undefined,
    });
    button('Add files')!.click();
    await until(() => contentful.dialogs.length === 1, 'the dialog');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(contentful.writes).to.deep.equal([]);
    expect(names()).to.deep.equal(['red.png']);
  });

  it('reorders and removes, and clears the value when the last file goes', async () => {
    const { contentful, view, names, button } = await openField({
      value: { files: [stored('red.png'), stored('blue.jpg'), stored('old.png')] },
      dialog: async () => undefined,
    });
    expect(button('Move red.png up')!.disabled).to.equal(true);
    button('Move old.png up')!.click();
    await view.updateComplete;
    expect(names()).to.deep.equal(['red.png', 'old.png', 'blue.jpg']);
    button('Move red.png down')!.click();
    await view.updateComplete;
    expect(names()).to.deep.equal(['old.png', 'red.png', 'blue.jpg']);
    button('Remove red.png')!.click();
    await view.updateComplete;
    expect(contentful.writes.at(-1)).to.deep.equal({ files: [stored('old.png'), stored('blue.jpg')] });
    button('Remove old.png')!.click();
    await view.updateComplete;
    button('Remove blue.jpg')!.click();
    await until(() => contentful.writes.length === 5, 'five writes');
    expect(contentful.writes.at(-1), 'removeValue, not an empty list').to.equal(undefined);
    await view.updateComplete;
    expect(names()).to.deep.equal([]);
  });

  it('reorders by dragging', async () => {
    const { view, names } = await openField({
      value: { files: [stored('red.png'), stored('blue.jpg'), stored('old.png')] },
      dialog: async () => undefined,
    });
    const items = shadow(view).querySelectorAll('li');
    const data = new DataTransfer();
    items[0]!.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: data }));
    items[2]!.dispatchEvent(
      new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }),
    );
    items[2]!.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
    await view.updateComplete;
    expect(names()).to.deep.equal(['blue.jpg', 'old.png', 'red.png']);
  });

  it('shows thumbnails from the media server', async () => {
    const { view } = await openField({
      value: { files: [stored('red.png')] },
      dialog: async () => undefined,
    });
    const image = shadow(view).querySelector<HTMLImageElement>('li img')!;
    expect(image.src).to.equal(`${env.files['red.png']!.url}&tr=n-ik_ml_thumbnail`);
    await until(() => image.complete && image.naturalWidth > 0, 'the thumbnail to load');
    expect(image.naturalWidth).to.equal(60);
  });

  it('offers no changes while the field is disabled, and follows changes made elsewhere', async () => {
    const { contentful, view, names, button } = await openField({
      value: { files: [stored('red.png'), stored('blue.jpg')] },
      disabled: true,
      dialog: async () => undefined,
    });
    expect(shadow(view).querySelectorAll('button')).to.have.length(0);
    contentful.setDisabled(false);
    await view.updateComplete;
    expect(button('Add files')).to.not.equal(undefined);
    expect(button('Remove red.png')).to.not.equal(undefined);
    contentful.changeValue({ files: [stored('old.png')] });
    await view.updateComplete;
    expect(names()).to.deep.equal(['old.png']);
    contentful.changeValue(undefined);
    await view.updateComplete;
    expect(names()).to.deep.equal([]);
  });

  it('stops adding when the field holds its most files', async () => {
    const { view, button } = await openField({
      installation: installation({ multiple: true, maxFiles: 2 }),
      value: { files: [stored('red.png'), stored('blue.jpg')] },
      dialog: async () => undefined,
    });
    expect(button('Add files')!.disabled).to.equal(true);
    expect(shadow(view).textContent).to.contain('at most 2 files');
  });

  it('explains itself on a field that is not a JSON object', async () => {
    const { view } = await openField({ type: 'Symbol', dialog: async () => undefined });
    expect(shadow(view).querySelector('[role="alert"]')!.textContent).to.contain('JSON object field');
    expect(shadow(view).querySelectorAll('button')).to.have.length(0);
  });

  it('stores the two files picked in the real dialog', async () => {
    let dialogRoot: HTMLElement | undefined;
    const { contentful, view, names, button } = await openField({
      installation: installation({ multiple: true }),
      // Contentful opens the same app in a dialog location with the field's parameters.
      dialog: async (options) => {
        const dialog = fakeDialogSdk({
          installation: installation({ multiple: true }),
          invocation: options.parameters as DialogInvocation,
        });
        dialogRoot = mountApp(dialog.sdk);
        const answer = await dialog.closed;
        dialogRoot.remove();
        return answer;
      },
    });
    button('Add files')!.click();
    const library = await libraryIn(await until(() => dialogRoot, 'the dialog'));
    click(cell(library, 'blue.jpg'));
    click(cell(library, 'red.png'), { ctrlKey: true });
    await library.updateComplete;
    click(shadow(library).querySelector('[part="insert-button"]')!);
    await until(() => contentful.writes.length === 1, 'the field to store the picked files');
    await view.updateComplete;
    expect(names()).to.deep.equal(['blue.jpg', 'red.png']);
    const value = contentful.writes[0] as { files: StoredFile[] };
    expect(value.files.map((file) => file.fileId)).to.deep.equal([
      env.files['blue.jpg']!.fileId,
      env.files['red.png']!.fileId,
    ]);
  });
});
