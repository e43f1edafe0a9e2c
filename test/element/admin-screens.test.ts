// The DAM app's admin screens in Chromium, against the real server: the page signs in as the test
// admin (its `/_ml` calls reach the server on the page's own origin, see web-test-runner.config.mjs)
// and drives each screen by keyboard.
import '../../src/app/screens/activity-screen.js';
import '../../src/app/screens/fields-screen.js';
import '../../src/app/screens/groups-screen.js';
import '../../src/app/screens/keys-screen.js';
import '../../src/app/screens/settings-screen.js';
import '../../src/app/screens/users-screen.js';
import 'axe-core';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import { appFetch } from '../../src/app/screens/api.js';
import type { DamGroup, DamUser } from '../../src/shared/wire.js';
import type { ElementTestEnv } from './test-server.js';
import { until } from './until.js';

const env = (window as unknown as { ML_TEST: ElementTestEnv }).ML_TEST;

/** The element that has focus, through shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Presses Tab until `matches` holds for the focused element (at most 40 times). */
async function tabTo(matches: (element: Element) => boolean, what: string): Promise<Element> {
  for (let i = 0; i < 40; i++) {
    const element = focused();
    if (element && matches(element)) return element;
    await sendKeys({ press: 'Tab' });
  }
  throw new Error(`Tab never reached ${what}`);
}

async function mountScreen<K extends keyof HTMLElementTagNameMap>(tag: K): Promise<HTMLElementTagNameMap[K]> {
  const element = document.createElement(tag);
  element.setAttribute('data-test-container', '');
  element.setAttribute('locale', 'en');
  document.body.append(element);
  return element;
}

const root = (element: Element) => element.shadowRoot!;
const row = (element: Element, selector: string) =>
  until(() => root(element).querySelector<HTMLTableRowElement>(selector), selector);
const dialogOf = (element: Element) => root(element).querySelector('dialog')!;

const axe = (window as unknown as { axe: { run(context: Element): Promise<AxeResults> } }).axe;

/** Runs axe-core over the screen (into its shadow root) and fails with what it found. */
async function expectNoViolations(target: Element, state: string): Promise<void> {
  const results = await axe.run(target);
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(found, `axe-core violations ${state}:\n  ${found.join('\n  ')}`).to.deep.equal([]);
}

const unique = Date.now().toString(36);
const email = `ann.${unique}@example.com`;

before(async () => {
  const response = await fetch('/_ml/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(env.admin),
  });
  expect(response.status, await response.clone().text()).to.equal(200);
});

afterEach(() => {
  for (const element of document.querySelectorAll('[data-test-container]')) element.remove();
});

describe('the users screen', () => {
  it('lists users, adds one by keyboard, refuses a taken email in the dialog, and resets a password once', async () => {
    const screen = await mountScreen('ml-users-screen');
    const admin = await row(screen, `tr[data-user="${env.admin.email}"]`);
    expect(admin.querySelector('th[scope=row]')!.textContent).to.equal(env.admin.email);
    expect(
      [...root(screen).querySelectorAll('thead th')].map((th) => th.getAttribute('scope')),
    ).to.deep.equal(Array(5).fill('col'));

    const add = root(screen).querySelector<HTMLButtonElement>('.add')!;
    add.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the add dialog');
    expect(focused()?.getAttribute('name')).to.equal('email');
    await sendKeys({ type: email });
    await tabTo((e) => e.getAttribute('name') === 'name', 'the name field');
    await sendKeys({ type: 'Ann Keyboard' });
    await tabTo((e) => e.getAttribute('name') === 'password', 'the password field');
    await sendKeys({ type: 'a long enough password' });
    await sendKeys({ press: 'Enter' });
    const added = await row(screen, `tr[data-user="${email}"]`);
    expect(added.textContent).to.contain('Ann Keyboard').and.contain('Member').and.contain('Active');
    await until(() => !dialogOf(screen).open, 'the dialog closes');
    expect(focused(), 'focus back on Add user').to.equal(add);
    expect(root(screen).querySelector('[role=status]')!.textContent).to.contain(email);

    // The same email again: the server's 409 in the dialog, which stays open.
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the add dialog again');
    // Typed once the dialog has moved focus into its first field (after its render), not before.
    await until(() => focused()?.getAttribute('name') === 'email', 'focus in the email field');
    await sendKeys({ type: email });
    await tabTo((e) => e.getAttribute('name') === 'password', 'the password field');
    await sendKeys({ type: 'a long enough password' });
    await sendKeys({ press: 'Enter' });
    const alert = await until(() => dialogOf(screen).querySelector('[role=alert]'), 'the refusal');
    expect(alert.textContent).to.equal('A user with this email exists already.');
    expect(focused()).to.equal(alert);
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(screen).open, 'Escape closes');

    // The one admin cannot be disabled: the server's LAST_ADMIN, in words, where it happened.
    admin.querySelector<HTMLButtonElement>('.edit')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the edit dialog');
    await tabTo((e) => e.getAttribute('name') === 'status', 'the status');
    await sendKeys({ type: 'Disabled' });
    expect((focused() as HTMLSelectElement).value).to.equal('disabled');
    await tabTo((e) => e.classList.contains('submit'), 'Save');
    await sendKeys({ press: 'Enter' });
    const lastAdmin = await until(() => dialogOf(screen).querySelector('[role=alert]'), 'the refusal');
    expect(lastAdmin.textContent).to.equal(
      'This is the last active admin. Make another user an admin first.',
    );
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(screen).open, 'Escape closes');

    const reset = added.querySelector<HTMLButtonElement>('.reset')!;
    reset.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the reset dialog');
    expect(focused()?.classList.contains('cancel'), 'a confirmation starts on Cancel').to.equal(true);
    await tabTo((e) => e.classList.contains('submit'), 'Reset password');
    await sendKeys({ press: 'Enter' });
    const password = await until(
      () => dialogOf(screen).querySelector<HTMLInputElement>('.secret input')?.value,
      'the one-time password',
    );
    expect(password.length).to.be.at.least(12);
    expect(focused()).to.equal(dialogOf(screen).querySelector('.secret input'));
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(screen).open, 'the password dialog closes');
    expect(focused()).to.equal(reset);
    expect(dialogOf(screen).textContent, 'the password is gone with the dialog').not.to.contain(password);
  });
});

describe('the groups screen', () => {
  it('creates a group with a member picked by search, and shows a group loop in the dialog', async () => {
    const users = await appFetch<DamUser[]>('/_ml/users');
    const member = users.find((u) => u.email === email) ?? users[0]!;
    const screen = await mountScreen('ml-groups-screen');
    await until(() => root(screen).querySelector('table, .empty'), 'the list');
    root(screen).querySelector<HTMLButtonElement>('.add')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the new group dialog');
    expect(focused()?.getAttribute('name')).to.equal('name');
    const name = `Keyboard team ${unique}`;
    await sendKeys({ type: name });
    await tabTo((e) => e.classList.contains('member-search'), 'the member search');
    await sendKeys({ type: member.email });
    await until(() => dialogOf(screen).querySelectorAll('[data-member]').length === 1, 'one match');
    await sendKeys({ press: 'Enter' });
    await until(
      () => dialogOf(screen).querySelector<HTMLInputElement>(`[data-member="user:${member.id}"]`)?.checked,
      'Enter picks the only match',
    );
    await tabTo((e) => e.classList.contains('submit'), 'Create');
    await sendKeys({ press: 'Enter' });
    const created = await row(screen, `tr[data-group="${name}"]`);
    expect(created.textContent).to.contain('1 member').and.contain(member.email);
    const group = (await appFetch<DamGroup[]>('/_ml/groups')).find((g) => g.name === name)!;
    expect(group.members).to.deep.equal([{ type: 'user', id: member.id }]);

    // A group holding this one cannot become its member.
    const outer = await appFetch<DamGroup>('/_ml/groups', {
      method: 'POST',
      json: { name: `Outer ${unique}`, members: [{ type: 'group', id: group.id }] },
    });
    await screen.load();
    const edit = (await row(screen, `tr[data-group="${name}"]`)).querySelector<HTMLButtonElement>('.edit')!;
    edit.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the edit dialog');
    await tabTo((e) => e.classList.contains('member-search'), 'the member search');
    await sendKeys({ type: outer.name });
    await until(() => dialogOf(screen).querySelectorAll('[data-member]').length === 1, 'one match');
    await sendKeys({ press: 'Enter' });
    await tabTo((e) => e.classList.contains('submit'), 'Save');
    await sendKeys({ press: 'Enter' });
    const alert = await until(() => dialogOf(screen).querySelector('[role=alert]'), 'the loop refusal');
    expect(alert.textContent).to.contain('inside itself');
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(screen).open, 'Escape closes');
    expect(focused()).to.equal(edit);
  });
});

describe('the keys screen', () => {
  it('creates a key, shows its private key once, and deletes it after a confirmation', async () => {
    const screen = await mountScreen('ml-keys-screen');
    await row(screen, 'tbody tr');
    root(screen).querySelector<HTMLButtonElement>('.add')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the new key dialog');
    const name = `Keyboard key ${unique}`;
    await sendKeys({ type: name });
    await tabTo((e) => e.classList.contains('submit'), 'Create');
    await sendKeys({ press: 'Enter' });
    const privateKey = await until(
      () => dialogOf(screen).querySelector<HTMLInputElement>('#private-key')?.value,
      'the private key',
    );
    expect(privateKey).to.match(/^private_/);
    expect(focused()?.id).to.equal('private-key');
    await sendKeys({ press: 'Escape' });
    const created = await row(screen, `tr[data-key="${name}"]`);
    expect(created.textContent, 'the list masks the private key').not.to.contain(privateKey);

    created.querySelector<HTMLButtonElement>('.delete')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the delete confirmation');
    expect(focused()?.classList.contains('cancel')).to.equal(true);
    await sendKeys({ press: 'Tab' });
    expect(focused()?.classList.contains('submit')).to.equal(true);
    await sendKeys({ press: 'Enter' });
    await until(() => !root(screen).querySelector(`tr[data-key="${name}"]`), 'the row goes');
    await until(() => !dialogOf(screen).open, 'the dialog closes');
    await until(
      () => focused() === root(screen).querySelector('.add'),
      'focus on New key once its row is gone',
    );
  });
});

describe('the fields and settings screens', () => {
  it('creates a single-select field with its choices', async () => {
    const screen = await mountScreen('ml-fields-screen');
    await until(() => root(screen).querySelector('table, .empty'), 'the list');
    root(screen).querySelector<HTMLButtonElement>('.add')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialogOf(screen).open, 'the new field dialog');
    await sendKeys({ type: 'Channel' });
    await tabTo((e) => e.getAttribute('name') === 'name', 'the name');
    const name = `channel_${unique}`;
    await sendKeys({ type: name });
    const type = (await tabTo((e) => e.getAttribute('name') === 'type', 'the type')) as HTMLSelectElement;
    type.value = 'SingleSelect';
    type.dispatchEvent(new Event('change'));
    await tabTo((e) => e.getAttribute('name') === 'options', 'the choices');
    await sendKeys({ type: 'Web' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ type: 'Print' });
    await tabTo((e) => e.classList.contains('submit'), 'Create');
    await sendKeys({ press: 'Enter' });
    const created = await row(screen, `tr[data-field="${name}"]`);
    expect(created.textContent).to.contain('One of a list').and.contain('Web, Print');
  });

  it('renames the library and keeps activity for a number of days', async () => {
    const screen = await mountScreen('ml-settings-screen');
    const input = await until(
      () => root(screen).querySelector<HTMLInputElement>('[name=libraryName]'),
      'the form',
    );
    input.focus();
    input.select();
    await sendKeys({ type: 'Brand assets' });
    // One Tab stop for the radio group (on its checked radio, Forever); an arrow key picks Days.
    await tabTo((e) => e.getAttribute('value') === 'forever', 'the retention choice');
    await sendKeys({ press: 'ArrowDown' });
    expect((focused() as HTMLInputElement).value).to.equal('days');
    expect((focused() as HTMLInputElement).checked).to.equal(true);
    await tabTo((e) => e.getAttribute('name') === 'days', 'the number of days');
    await sendKeys({ press: 'Control+A' });
    await sendKeys({ type: '90' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => root(screen).querySelector('[role=status]')!.textContent === 'Settings saved.',
      'saved',
    );
    const settings = await appFetch<{ libraryName: string; auditRetentionDays: number | null }>(
      '/_ml/settings',
    );
    expect(settings).to.include({ libraryName: 'Brand assets', auditRetentionDays: 90 });
    const me = await appFetch<{ libraryName: string }>('/_ml/me');
    expect(me.libraryName).to.equal('Brand assets');
  });

  it('sets the upload rules and the near-duplicate distance', async () => {
    const screen = await mountScreen('ml-settings-screen');
    const form = await until(() => root(screen).querySelector<HTMLFormElement>('form'), 'the form');
    const set = (name: string, value: string) => {
      const field = form.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
        `[name="${name}"]`,
      )!;
      field.value = value;
      field.dispatchEvent(new Event('change'));
    };
    set('near', '4');
    set('naming-mode', 'enforced');
    set('naming-policy', 'version');
    set('types-mode', 'default');
    set('types', 'image/*, Application/PDF');
    set('size-mode', 'enforced');
    set('size', '2');
    set('folder-tags-mode', 'default');
    set('folder-tags', '/brand: brand, logo\n/press: press');
    form.querySelector<HTMLButtonElement>('button.submit')!.click();
    await until(
      () => root(screen).querySelector('[role=status]')!.textContent === 'Settings saved.',
      'saved',
    );
    const settings = await appFetch<{ nearDuplicateDistance: number; uploadRules: unknown }>('/_ml/settings');
    expect(settings.nearDuplicateDistance).to.equal(4);
    expect(settings.uploadRules).to.deep.equal({
      naming: { policy: 'version', mode: 'enforced' },
      allowedTypes: { types: ['image/*', 'application/pdf'], mode: 'default' },
      maxSize: { bytes: 2 * 1024 * 1024, mode: 'enforced' },
      folderTags: {
        mode: 'default',
        folders: [
          { folder: '/brand/', tags: ['brand', 'logo'] },
          { folder: '/press/', tags: ['press'] },
        ],
      },
    });
    // Off again, for the other tests.
    await appFetch('/_ml/settings', {
      method: 'PATCH',
      json: {
        nearDuplicateDistance: 6,
        uploadRules: { naming: null, allowedTypes: null, maxSize: null, folderTags: null },
      },
    });
  });
});

describe('the activity screen', () => {
  it('filters by who did it and shows what changed, and pages with Load more', async () => {
    const bo = `bo.${unique}@example.com`;
    await appFetch('/_ml/users', {
      method: 'POST',
      json: { email: bo, role: 'member', name: 'Bo Activity' },
    });
    const { libraryName } = await appFetch<{ libraryName: string }>('/_ml/settings');
    await appFetch('/_ml/settings', { method: 'PATCH', json: { libraryName: `Library ${unique}` } });
    const screen = await mountScreen('ml-activity-screen');
    await row(screen, 'tbody tr');
    // The seeded library has more uploads than a page: Load more brings older entries.
    const before = root(screen).querySelectorAll('tbody tr').length;
    const more = root(screen).querySelector<HTMLButtonElement>('.more')!;
    more.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => root(screen).querySelectorAll('tbody tr').length > before, 'older entries');

    const actor = await until(
      () => root(screen).querySelector<HTMLSelectElement>('select[name=actor]:has(option:nth-child(2))'),
      'the people to pick from',
    );
    actor.focus();
    await sendKeys({ type: 'Administrator' });
    expect(actor.selectedOptions[0]!.textContent).to.contain(env.admin.email);
    await tabTo((e) => e.classList.contains('apply'), 'Apply filters');
    await sendKeys({ press: 'Enter' });
    await until(
      () =>
        [...root(screen).querySelectorAll('tbody .actor')].every(
          (cell) => cell.textContent === 'Administrator',
        ) && root(screen).querySelector('tbody .action')?.textContent !== undefined,
      'only the admin’s entries',
    );
    const created = await until(
      () =>
        [...root(screen).querySelectorAll('tbody tr')].find(
          (tr) => tr.querySelector('.action')!.textContent === 'user.create' && tr.textContent!.includes(bo),
        ),
      'the user the admin added',
    );
    expect(created.textContent).to.contain('Bo Activity').and.contain('member');
    expect(created.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    const settings = [...root(screen).querySelectorAll('tbody tr')].find(
      (tr) => tr.querySelector('.action')!.textContent === 'settings.update',
    )!;
    if (libraryName !== `Library ${unique}`)
      expect(settings.querySelector('del')?.textContent).to.equal(libraryName);
    expect(settings.querySelector('ins')?.textContent).to.equal(`Library ${unique}`);
  });
});

describe('the admin screens and axe-core', () => {
  for (const tag of [
    'ml-users-screen',
    'ml-groups-screen',
    'ml-keys-screen',
    'ml-fields-screen',
    'ml-settings-screen',
    'ml-activity-screen',
  ] as const) {
    it(`${tag} has no violations, listed and with its dialog open`, async () => {
      const screen = await mountScreen(tag);
      await until(() => root(screen).querySelector('table, .empty, form [name=libraryName]'), 'loaded');
      await expectNoViolations(screen, 'loaded');
      const add = root(screen).querySelector<HTMLButtonElement>('.add');
      if (add) {
        add.click();
        await until(() => dialogOf(screen).open, 'the dialog');
        await expectNoViolations(screen, 'its dialog open');
      }
    });
  }
});

describe('the admin screens in other languages', () => {
  it('speak German, and Arabic right to left', async () => {
    const screen = await mountScreen('ml-users-screen');
    screen.setAttribute('locale', 'de');
    await until(() => root(screen).querySelector('h1')?.textContent === 'Benutzer', 'German');
    await row(screen, `tr[data-user="${env.admin.email}"]`);
    expect(root(screen).querySelector('.add')!.textContent!.trim()).to.equal('Benutzer hinzufügen');
    expect(root(screen).querySelector('.screen')!.getAttribute('lang')).to.equal('de');
    screen.setAttribute('locale', 'ar');
    await until(
      () => root(screen).querySelector('.screen')?.getAttribute('dir') === 'rtl',
      'Arabic, right to left',
    );
    expect(root(screen).querySelector('h1')!.textContent).to.equal('المستخدمون');
  });
});
