import { expect } from 'chai';
import ar from '../../src/element/i18n/ar.js';
import de from '../../src/element/i18n/de.js';
import { en } from '../../src/element/i18n/en.js';
import { enAdmin } from '../../src/element/i18n/en-admin.js';
import { enAi } from '../../src/element/i18n/en-ai.js';
import { enAiJobs } from '../../src/element/i18n/en-ai-jobs.js';
import { enAiProviders } from '../../src/element/i18n/en-ai-providers.js';
import { enApp } from '../../src/element/i18n/en-app.js';
import { enCollections } from '../../src/element/i18n/en-collections.js';
import { enComments } from '../../src/element/i18n/en-comments.js';
import { enDuplicates } from '../../src/element/i18n/en-duplicates.js';
import { enEdit } from '../../src/element/i18n/en-edit.js';
import { enLifecycle } from '../../src/element/i18n/en-lifecycle.js';
import { enMore } from '../../src/element/i18n/en-more.js';
import { enPeople } from '../../src/element/i18n/en-people.js';
import { enShares } from '../../src/element/i18n/en-shares.js';
import { enUpload } from '../../src/element/i18n/en-upload.js';
import es from '../../src/element/i18n/es.js';
import fr from '../../src/element/i18n/fr.js';
import { type Message, registerLocale } from '../../src/element/i18n/localize.js';
import { cleanup, click, grid, item, mount, settled, shadow, until } from './helpers.js';

const english = {
  'en.ts': en,
  'en-more.ts': enMore,
  'en-edit.ts': enEdit,
  'en-upload.ts': enUpload,
  'en-admin.ts': enAdmin,
  'en-people.ts': enPeople,
  'en-collections.ts': enCollections,
  'en-shares.ts': enShares,
  'en-app.ts': enApp,
  'en-comments.ts': enComments,
  'en-duplicates.ts': enDuplicates,
  'en-lifecycle.ts': enLifecycle,
  'en-ai-providers.ts': enAiProviders,
  'en-ai.ts': enAi,
  'en-ai-jobs.ts': enAiJobs,
} as Record<string, Record<string, Message>>;

/** The `{placeholders}` in a message's text, sorted. */
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

afterEach(cleanup);

describe('languages and direction', () => {
  it('ships German, loaded on demand, with English for anything missing', async () => {
    const element = await mount({ locale: 'de-AT', 'initial-folder': '/beta' });
    await until(() => shadow(element).querySelector('.top h2')!.textContent === 'Mediathek', 'German');
    expect(shadow(grid(element)).querySelector('.empty')!.textContent).to.contain('Dieser Ordner ist leer');
    expect(shadow(element).querySelector('.shell')!.getAttribute('dir')).to.equal('ltr');
  });

  for (const [name, shipped] of Object.entries({ German: de, French: fr, Spanish: es, Arabic: ar })) {
    it(`has ${name} for every English message, with the same placeholders and plural forms`, () => {
      const catalog = shipped as Record<string, Message | undefined>;
      const problems: string[] = [];
      const seen = new Map<string, string>();
      for (const [file, messages] of Object.entries(english)) {
        for (const [key, message] of Object.entries(messages)) {
          // One key, one message: two catalogs' English for a key would overwrite each other.
          if (seen.has(key)) problems.push(`${key}: in ${seen.get(key)} and ${file}`);
          seen.set(key, file);
          const translated = catalog[key];
          if (translated === undefined) {
            problems.push(`${key} (${file}): no ${name}`);
            continue;
          }
          if (typeof message !== typeof translated) {
            problems.push(`${key}: ${typeof message === 'string' ? 'no' : ''} plural forms as in English`);
            continue;
          }
          const forms = (m: Message) => (typeof m === 'string' ? { other: m } : m) as Record<string, string>;
          const englishForms = forms(message);
          for (const [category, text] of Object.entries(forms(translated))) {
            let expected = placeholders(englishForms[category] ?? englishForms.other!);
            // A form for one number may say it in words (Arabic's ملفان, "two files").
            if (category !== 'other' && !placeholders(text).includes('count'))
              expected = expected.filter((p) => p !== 'count');
            if (placeholders(text).join() !== expected.join())
              problems.push(`${key}.${category}: {${placeholders(text)}} where English has {${expected}}`);
          }
          if (typeof translated !== 'string' && !('one' in translated))
            problems.push(`${key}: no "one" form`);
        }
      }
      for (const key of Object.keys(catalog))
        if (!seen.has(key)) problems.push(`${key}: ${name} without English`);
      expect(problems).to.deep.equal([]);
    });
  }

  it('ships French and Spanish, loaded on demand', async () => {
    for (const [locale, title, empty] of [
      ['fr-CA', 'Médiathèque', 'Ce dossier est vide'],
      ['es', 'Biblioteca multimedia', 'Esta carpeta está vacía'],
    ] as const) {
      const element = await mount({ locale, 'initial-folder': '/beta' });
      await until(() => shadow(element).querySelector('.top h2')!.textContent === title, locale);
      await until(() => shadow(grid(element)).querySelector('.empty')?.textContent?.includes(empty), empty);
      expect(shadow(element).querySelector('.shell')!.getAttribute('dir')).to.equal('ltr');
      cleanup();
    }
  });

  it('ships Arabic, laid out right to left with lang="ar" on the dialog', async () => {
    const element = await mount({ mode: 'modal', locale: 'ar' }, {}, false);
    element.show();
    await settled(element);
    const dialog = shadow(element).querySelector('dialog')!;
    await until(() => dialog.getAttribute('lang') === 'ar', 'lang="ar" on the dialog');
    expect(dialog.getAttribute('dir')).to.equal('rtl');
    await until(() => shadow(element).querySelector('.top h2')!.textContent === 'مكتبة الوسائط', 'Arabic');
    expect(shadow(element).querySelector('.shell')!.getAttribute('dir')).to.equal('rtl');
    expect(shadow(element).querySelector('[part="cancel-button"]')!.textContent!.trim()).to.equal('إلغاء');
    const upload = await until(
      () => shadow(element).querySelector('ml-upload-button')?.shadowRoot?.querySelector('button'),
      'the Upload button',
    );
    expect(upload.textContent!.trim()).to.equal('رفع');
  });

  it('shows the details editor and the Upload button in German', async () => {
    const element = await mount({ locale: 'de', 'initial-folder': '/edit/alt' });
    await until(() => shadow(element).querySelector('[aria-label="Details anzeigen"]'), 'German');
    click(item(element, 'photo.png'));
    shadow(element).querySelector<HTMLButtonElement>('[aria-label="Details anzeigen"]')!.click();
    const details = await until(
      () => shadow(element).querySelector('ml-asset-details')?.shadowRoot?.querySelector('label[for="alt"]'),
      'the details editor',
    );
    const root = details.getRootNode() as ShadowRoot;
    expect(details.textContent).to.equal('Alternativtext');
    expect(root.querySelector('#alt-count')!.textContent).to.match(
      /^Beschreiben Sie das Bild .* \d+ Zeichen$/,
    );
    expect(root.querySelector('.save-bar .btn.primary')!.textContent!.trim()).to.equal('Speichern');
    const actions = [...root.querySelectorAll('.actions button')].map((b) => b.textContent!.trim());
    expect(actions).to.include.members(['Verschieben nach …', 'Kopieren nach …', 'Löschen']);
    const upload = await until(
      () => shadow(element).querySelector('ml-upload-button')?.shadowRoot?.querySelector('button'),
      'the Upload button',
    );
    expect(upload.textContent!.trim()).to.equal('Hochladen');
  });

  it('loads any other language the host registers, and lays out right to left', async () => {
    registerLocale('he', async () => ({ title: 'ספריית מדיה', insert: 'הוספה' }));
    const element = await mount({ locale: 'he', 'initial-folder': '/alpha' });
    await until(() => shadow(element).querySelector('.top h2')!.textContent === 'ספריית מדיה', 'Hebrew');
    const shell = shadow(element).querySelector('.shell')!;
    expect(shell.getAttribute('dir')).to.equal('rtl');
    // Missing messages fall back to English.
    expect(shadow(element).querySelector('[part="insert-button"]')!.textContent!.trim()).to.equal('הוספה');
    expect(shadow(element).querySelector('[aria-label="Show details"]')).to.not.equal(null);
    // The tree sits on the right, and the grid's first item at its right edge.
    const sidebar = shadow(element).querySelector('.sidebar')!.getBoundingClientRect();
    const content = shadow(element).querySelector('.content')!.getBoundingClientRect();
    expect(sidebar.left).to.be.greaterThan(content.left);
    const cells = [...shadow(grid(element)).querySelectorAll('[data-index]')] as HTMLElement[];
    const first = cells.find((c) => c.dataset.index === '0')!.getBoundingClientRect();
    const second = cells.find((c) => c.dataset.index === '1')!.getBoundingClientRect();
    expect(first.left).to.be.greaterThan(second.left);
    const scroller = shadow(grid(element)).querySelector('.scroller')!.getBoundingClientRect();
    expect(first.right, 'the first cell sits at the right edge, inside the grid').to.be.within(
      scroller.right - 40,
      scroller.right,
    );
    expect(second.left).to.be.greaterThan(scroller.left);
  });

  it('formats sizes and dates for the locale', async () => {
    const element = await mount({ locale: 'de', 'initial-folder': '/alpha', view: 'list' });
    const size = await until(
      () => shadow(grid(element)).querySelector('[data-index]:not(.folder) .c-size')?.textContent,
      'sizes',
    );
    expect(size).to.match(/^\d+(,\d)? (Byte|kB)/);
  });

  it('sets lang and dir on the dialog for the language it speaks', async () => {
    const element = await mount({ mode: 'modal', locale: 'de' }, {}, false);
    element.show();
    await settled(element);
    const dialog = shadow(element).querySelector('dialog')!;
    await until(() => dialog.getAttribute('lang') === 'de', 'lang="de" on the dialog');
    expect(dialog.getAttribute('dir')).to.equal('ltr');
    expect(shadow(element).querySelector('.shell')!.getAttribute('lang')).to.equal('de');
    registerLocale('fa', async () => ({ title: 'کتابخانه رسانه' }));
    element.locale = 'fa';
    await until(() => dialog.getAttribute('dir') === 'rtl', 'dir="rtl" on the dialog');
    expect(dialog.getAttribute('lang')).to.equal('fa');
    // A language without a catalog is spoken in English, and marked so.
    element.locale = 'ja';
    await until(() => dialog.getAttribute('lang') === 'en', 'lang="en" for a language it lacks');
    expect(dialog.getAttribute('dir')).to.equal('ltr');
  });
});
