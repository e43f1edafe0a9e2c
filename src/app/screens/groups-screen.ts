import { html, nothing, type TemplateResult } from 'lit';
import { state } from '../../element/decorators.js';
import type { DamGroup, DamUser } from '../../shared/wire.js';
import { appFetch } from './api.js';
import { ListScreen, type ListScreenText } from './list-screen.js';

type Member = { type: 'user' | 'group'; id: string };
type GroupDialog =
  | { kind: 'create' }
  | { kind: 'edit'; group: DamGroup }
  | { kind: 'delete'; group: DamGroup };

const memberKey = (m: Member) => `${m.type}:${m.id}`;

/**
 * The DAM app's Groups screen (admins): every group with its members; create one, rename it, pick
 * its members (users and other groups) from a list a search narrows, delete it after a
 * confirmation. A group that would end up inside itself is refused (GROUP_LOOP) in the dialog.
 */
export class GroupsScreenElement extends ListScreen<DamGroup, GroupDialog> {
  protected readonly text: ListScreenText = {
    title: 'adminGroupsTitle',
    add: 'adminGroupAdd',
    empty: 'adminGroupsEmpty',
  };

  @state() private users: DamUser[] = [];
  @state() private members = new Set<string>();
  @state() private search = '';

  protected async fetchItems(): Promise<DamGroup[]> {
    const [groups, users] = await Promise.all([
      appFetch<DamGroup[]>('/_ml/groups'),
      appFetch<DamUser[]>('/_ml/users'),
    ]);
    this.users = users;
    return groups;
  }

  protected override prepareDialog(dialog: GroupDialog): void {
    this.search = '';
    this.members = new Set(dialog.kind === 'edit' ? dialog.group.members.map(memberKey) : []);
  }

  #nameOf(member: Member): string {
    if (member.type === 'user') {
      const user = this.users.find((u) => u.id === member.id);
      return user ? `${user.name} (${user.email})` : member.id;
    }
    return this.items?.find((g) => g.id === member.id)?.name ?? member.id;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const dialog = this.dialog;
    if (!dialog || this.busy) return;
    const t = this.localizer.value;
    const data = new FormData(event.target as HTMLFormElement);
    const name = String(data.get('name') ?? '').trim();
    const members = [...this.members].map((key) => {
      const [type, ...id] = key.split(':');
      return { type: type as Member['type'], id: id.join(':') };
    });
    await this.submitting(async () => {
      if (dialog.kind === 'create') {
        const group = await appFetch<DamGroup>('/_ml/groups', { method: 'POST', json: { name, members } });
        this.status = t.t('adminGroupCreated', { name: group.name });
      } else if (dialog.kind === 'edit') {
        const group = await appFetch<DamGroup>(`/_ml/groups/${encodeURIComponent(dialog.group.id)}`, {
          method: 'PATCH',
          json: { name, members },
        });
        this.status = t.t('adminGroupSaved', { name: group.name });
      } else {
        await appFetch(`/_ml/groups/${encodeURIComponent(dialog.group.id)}`, { method: 'DELETE' });
        this.status = t.t('adminGroupDeleted', { name: dialog.group.name });
      }
      await this.load();
      this.closeDialog();
    });
  }

  #toggle(key: string, on: boolean) {
    const next = new Set(this.members);
    if (on) next.add(key);
    else next.delete(key);
    this.members = next;
  }

  protected createDialog(): GroupDialog {
    return { kind: 'create' };
  }

  protected renderTable(groups: DamGroup[]): TemplateResult {
    const t = this.localizer.value;
    return html`<table aria-labelledby="title">
      <thead>
        <tr>
          <th scope="col">${t.t('adminName')}</th>
          <th scope="col">${t.t('adminGroupMembers')}</th>
          <th scope="col"><span class="visually-hidden">${t.t('adminActions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${groups.map(
          (group) => html`<tr data-group=${group.name}>
            <th scope="row">${group.name}</th>
            <td>
              <span class="count">${t.t('adminGroupMemberCount', { count: group.members.length })}</span>
              ${group.members.length > 0 ? html`: ${group.members.map((m) => this.#nameOf(m)).join(', ')}` : nothing}
            </td>
            <td class="actions">
              <button class="btn edit" type="button" aria-label=${t.t('adminEditGroup', { name: group.name })}
                @click=${() => this.openDialog({ kind: 'edit', group })}>${t.t('adminEdit')}</button>
              <button class="btn delete" type="button" aria-label=${t.t('adminDeleteGroup', { name: group.name })}
                @click=${() => this.openDialog({ kind: 'delete', group })}>${t.t('adminDelete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #renderPicker() {
    const t = this.localizer.value;
    const self = this.dialog?.kind === 'edit' ? this.dialog.group.id : undefined;
    const query = this.search.trim().toLowerCase();
    const candidates: Array<{ key: string; label: string; kind: string }> = [
      ...this.users.map((u) => ({
        key: `user:${u.id}`,
        label: `${u.name} (${u.email})`,
        kind: t.t('adminGroupKindUser'),
      })),
      ...(this.items ?? [])
        .filter((g) => g.id !== self)
        .map((g) => ({ key: `group:${g.id}`, label: g.name, kind: t.t('adminGroupKindGroup') })),
    ];
    const shown = candidates.filter((c) => query === '' || c.label.toLowerCase().includes(query));
    return html`<fieldset class="picker">
      <legend>${t.t('adminGroupMembers')}
        <span class="hint">${t.t('adminGroupSelected', { count: this.members.size })}</span></legend>
      <label class="field">${t.t('adminGroupSearch')}
        <input type="search" class="member-search" aria-controls="candidates" .value=${this.search}
          @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            // Enter in the search picks the only match instead of submitting the form.
            if (e.key === 'Enter') {
              e.preventDefault();
              if (shown.length === 1) this.#toggle(shown[0]!.key, !this.members.has(shown[0]!.key));
            }
          }} />
      </label>
      <div id="candidates" role="group" aria-label=${t.t('adminGroupMembers')} style="max-height: 220px; overflow: auto; display: flex; flex-direction: column; gap: 4px;">
        ${
          shown.length === 0
            ? html`<p class="hint" role="status">${t.t('adminGroupNoMatch')}</p>`
            : shown.map(
                (c) => html`<label class="check">
                  <input type="checkbox" data-member=${c.key} .checked=${this.members.has(c.key)}
                    @change=${(e: Event) => this.#toggle(c.key, (e.target as HTMLInputElement).checked)} />
                  ${c.label} <span class="badge">${c.kind}</span>
                </label>`,
              )
        }
      </div>
    </fieldset>`;
  }

  protected renderDialog() {
    const t = this.localizer.value;
    const dialog = this.dialog;
    if (!dialog) return nothing;
    const { error, buttons: dialogButtons } = this.dialogParts();
    const danger = dialog.kind === 'delete';
    const buttons = dialogButtons(
      t.t(danger ? 'adminDelete' : dialog.kind === 'create' ? 'adminCreate' : 'adminSave'),
      danger,
    );
    if (dialog.kind === 'delete') {
      return html`<form @submit=${this.#submit} lang=${t.lang} dir=${t.dir}>
        <h2 id="dialog-title">${t.t('adminGroupDeleteTitle', { name: dialog.group.name })}</h2>
        <p>${t.t('adminGroupDeleteBody')}</p>
        ${error}${buttons}
      </form>`;
    }
    return html`<form @submit=${this.#submit} lang=${t.lang} dir=${t.dir}>
      <h2 id="dialog-title">
        ${dialog.kind === 'create' ? t.t('adminGroupAdd') : t.t('adminGroupEditTitle', { name: dialog.group.name })}
      </h2>
      <label class="field">${t.t('adminName')}
        <input name="name" required maxlength="200" autofocus autocomplete="off"
          .value=${dialog.kind === 'edit' ? dialog.group.name : ''} />
      </label>
      ${this.#renderPicker()}${error}${buttons}
    </form>`;
  }
}

customElements.get('ml-groups-screen') || customElements.define('ml-groups-screen', GroupsScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-groups-screen': GroupsScreenElement;
  }
}
