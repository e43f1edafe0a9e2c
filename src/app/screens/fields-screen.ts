import { html, nothing, type TemplateResult } from 'lit';
import { state } from '../../element/decorators.js';
import {
  type CustomMetadataField,
  type CustomMetadataFieldSchema,
  type CustomMetadataFieldType,
  customMetadataFieldTypes,
} from '../../shared/wire.js';
import { appFetch } from './api.js';
import { ListScreen, type ListScreenText } from './list-screen.js';

type FieldDialog =
  | { kind: 'create' }
  | { kind: 'edit'; field: CustomMetadataField }
  | { kind: 'delete'; field: CustomMetadataField };

const typeKeys = {
  Text: 'adminFieldTypeText',
  Textarea: 'adminFieldTypeTextarea',
  Number: 'adminFieldTypeNumber',
  Date: 'adminFieldTypeDate',
  Boolean: 'adminFieldTypeBoolean',
  SingleSelect: 'adminFieldTypeSingleSelect',
  MultiSelect: 'adminFieldTypeMultiSelect',
} as const satisfies Record<CustomMetadataFieldType, string>;

const isSelect = (type: CustomMetadataFieldType) => type === 'SingleSelect' || type === 'MultiSelect';
const hasLength = (type: CustomMetadataFieldType) => type === 'Text' || type === 'Textarea';
const hasRange = (type: CustomMetadataFieldType) => type === 'Number' || type === 'Date';

/**
 * The DAM app's custom metadata fields screen (`/v1/customMetadataFields`): every field with its
 * label and type; create one with its type's options (required, length, range, choices, default),
 * edit its label and options (a field's name and type stay), delete it after a confirmation.
 */
export class FieldsScreenElement extends ListScreen<CustomMetadataField, FieldDialog> {
  protected readonly text: ListScreenText = {
    title: 'adminFieldsTitle',
    add: 'adminFieldAdd',
    empty: 'adminFieldsEmpty',
  };

  @state() private type: CustomMetadataFieldType = 'Text';

  protected fetchItems(): Promise<CustomMetadataField[]> {
    return appFetch<CustomMetadataField[]>('/v1/customMetadataFields');
  }

  protected override prepareDialog(dialog: FieldDialog): void {
    this.type = dialog.kind === 'create' ? 'Text' : dialog.field.schema.type;
  }

  /** The field's rules from the form, in the API's shape; values typed for the field's type. */
  #schemaOf(data: FormData): CustomMetadataFieldSchema {
    const type = this.type;
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const value = (raw: string): string | number | boolean =>
      type === 'Number' && raw !== '' && !Number.isNaN(Number(raw))
        ? Number(raw)
        : type === 'Boolean'
          ? raw === 'true'
          : raw;
    const schema: CustomMetadataFieldSchema = { type, isValueRequired: data.get('required') === 'on' };
    if (hasLength(type)) {
      if (text('minLength') !== '') schema.minLength = Number(text('minLength'));
      if (text('maxLength') !== '') schema.maxLength = Number(text('maxLength'));
    }
    if (hasRange(type)) {
      if (text('minValue') !== '') schema.minValue = value(text('minValue')) as string | number;
      if (text('maxValue') !== '') schema.maxValue = value(text('maxValue')) as string | number;
    }
    if (isSelect(type)) {
      schema.selectOptions = text('options')
        .split('\n')
        .map((o) => o.trim())
        .filter((o) => o !== '')
        .map(value);
    }
    const fallback = text('defaultValue');
    if (fallback !== '') {
      schema.defaultValue =
        type === 'MultiSelect' ? fallback.split(',').map((v) => value(v.trim())) : value(fallback);
    }
    return schema;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const dialog = this.dialog;
    if (!dialog || this.busy) return;
    const t = this.localizer.value;
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    await this.submitting(async () => {
      if (dialog.kind === 'create') {
        const field = await appFetch<CustomMetadataField>('/v1/customMetadataFields', {
          method: 'POST',
          json: {
            name: text('name'),
            label: text('label'),
            schema: this.#schemaOf(data),
            ...(text('description') !== '' && { description: text('description') }),
          },
        });
        this.status = t.t('adminFieldCreated', { name: field.label });
      } else if (dialog.kind === 'edit') {
        const { type: _type, ...schema } = this.#schemaOf(data);
        const field = await appFetch<CustomMetadataField>(
          `/v1/customMetadataFields/${encodeURIComponent(dialog.field.id)}`,
          {
            method: 'PATCH',
            json: { label: text('label'), schema, description: text('description') || null },
          },
        );
        this.status = t.t('adminFieldSaved', { name: field.label });
      } else {
        await appFetch(`/v1/customMetadataFields/${encodeURIComponent(dialog.field.id)}`, {
          method: 'DELETE',
        });
        this.status = t.t('adminFieldDeleted', { name: dialog.field.label });
      }
      await this.load();
      this.closeDialog();
    });
  }

  protected createDialog(): FieldDialog {
    return { kind: 'create' };
  }

  #rulesText(schema: CustomMetadataFieldSchema): string {
    const t = this.localizer.value;
    const parts: string[] = [];
    if (schema.isValueRequired) parts.push(t.t('adminFieldRequired'));
    if (schema.selectOptions) parts.push(schema.selectOptions.join(', '));
    if (schema.minLength !== undefined || schema.maxLength !== undefined)
      parts.push(`${schema.minLength ?? 0}–${schema.maxLength ?? '∞'}`);
    if (schema.minValue !== undefined || schema.maxValue !== undefined)
      parts.push(`${schema.minValue ?? '…'} – ${schema.maxValue ?? '…'}`);
    return parts.join(' · ');
  }

  protected renderTable(fields: CustomMetadataField[]): TemplateResult {
    const t = this.localizer.value;
    return html`<table aria-labelledby="title">
      <thead>
        <tr>
          <th scope="col">${t.t('adminFieldLabel')}</th>
          <th scope="col">${t.t('adminName')}</th>
          <th scope="col">${t.t('adminFieldType')}</th>
          <th scope="col">${t.t('adminFieldRules')}</th>
          <th scope="col"><span class="visually-hidden">${t.t('adminActions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${fields.map(
          (field) => html`<tr data-field=${field.name}>
            <th scope="row">${field.label}</th>
            <td><code>${field.name}</code></td>
            <td>${t.t(typeKeys[field.schema.type])}</td>
            <td>${this.#rulesText(field.schema)}</td>
            <td class="actions">
              <button class="btn edit" type="button" aria-label=${t.t('adminEditField', { name: field.label })}
                @click=${() => this.openDialog({ kind: 'edit', field })}>${t.t('adminEdit')}</button>
              <button class="btn delete" type="button" aria-label=${t.t('adminDeleteField', { name: field.label })}
                @click=${() => this.openDialog({ kind: 'delete', field })}>${t.t('adminDelete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #renderRules(schema: CustomMetadataFieldSchema | undefined) {
    const t = this.localizer.value;
    const type = this.type;
    const inputType = type === 'Number' ? 'number' : type === 'Date' ? 'date' : 'text';
    const str = (v: unknown) => (v === undefined ? '' : String(v));
    return html`
      <label class="check">
        <input type="checkbox" name="required" .checked=${schema?.isValueRequired ?? false} />
        ${t.t('adminFieldRequired')}
      </label>
      ${
        hasLength(type)
          ? html`<label class="field">${t.t('adminFieldMinLength')}
                <input name="minLength" type="number" min="0" step="1" .value=${str(schema?.minLength)} />
              </label>
              <label class="field">${t.t('adminFieldMaxLength')}
                <input name="maxLength" type="number" min="1" step="1" .value=${str(schema?.maxLength)} />
              </label>`
          : nothing
      }
      ${
        hasRange(type)
          ? html`<label class="field">${t.t('adminFieldMin')}
                <input name="minValue" type=${inputType} step="any" .value=${str(schema?.minValue).slice(0, type === 'Date' ? 10 : undefined)} />
              </label>
              <label class="field">${t.t('adminFieldMax')}
                <input name="maxValue" type=${inputType} step="any" .value=${str(schema?.maxValue).slice(0, type === 'Date' ? 10 : undefined)} />
              </label>`
          : nothing
      }
      ${
        isSelect(type)
          ? html`<label class="field">${t.t('adminFieldOptions')}
              <textarea name="options" rows="4" required .value=${(schema?.selectOptions ?? []).join('\n')}></textarea>
            </label>`
          : nothing
      }
      <label class="field">${t.t('adminFieldDefault')}
        ${
          type === 'Boolean'
            ? html`<select name="defaultValue">
                <option value="" ?selected=${schema?.defaultValue === undefined}>—</option>
                <option value="true" ?selected=${schema?.defaultValue === true}>${t.t('adminYes')}</option>
                <option value="false" ?selected=${schema?.defaultValue === false}>${t.t('adminNo')}</option>
              </select>`
            : html`<input name="defaultValue" type=${inputType === 'date' ? 'date' : inputType} step="any"
                aria-describedby=${type === 'MultiSelect' ? 'default-hint' : nothing}
                .value=${Array.isArray(schema?.defaultValue) ? schema.defaultValue.join(', ') : str(schema?.defaultValue).slice(0, type === 'Date' ? 10 : undefined)} />`
        }
        ${type === 'MultiSelect' ? html`<span class="hint" id="default-hint">${t.t('adminFieldDefaultMulti')}</span>` : nothing}
      </label>
    `;
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
        <h2 id="dialog-title">${t.t('adminFieldDeleteTitle', { name: dialog.field.label })}</h2>
        <p>${t.t('adminFieldDeleteBody')}</p>
        ${error}${buttons}
      </form>`;
    }
    const field = dialog.kind === 'edit' ? dialog.field : undefined;
    return html`<form @submit=${this.#submit} lang=${t.lang} dir=${t.dir}>
      <h2 id="dialog-title">
        ${field ? t.t('adminFieldEditTitle', { name: field.label }) : t.t('adminFieldNewTitle')}
      </h2>
      <label class="field">${t.t('adminFieldLabel')}
        <input name="label" required maxlength="500" autofocus autocomplete="off" .value=${field?.label ?? ''} />
      </label>
      ${
        field
          ? html`<p class="hint">${t.t('adminName')}: <code>${field.name}</code> · ${t.t(typeKeys[field.schema.type])}</p>`
          : html`<label class="field">${t.t('adminFieldName')}
                <input name="name" required maxlength="100" autocomplete="off" pattern="[A-Za-z0-9_\\-]+" aria-describedby="name-hint" />
                <span class="hint" id="name-hint">${t.t('adminFieldNameHint')}</span>
              </label>
              <label class="field">${t.t('adminFieldType')}
                <select name="type" @change=${(e: Event) => (this.type = (e.target as HTMLSelectElement).value as CustomMetadataFieldType)}>
                  ${customMetadataFieldTypes.map((type) => html`<option value=${type} ?selected=${type === this.type}>${t.t(typeKeys[type])}</option>`)}
                </select>
              </label>`
      }
      ${this.#renderRules(field?.schema)}
      <label class="field">${t.t('adminFieldDescription')}
        <input name="description" maxlength="1000" autocomplete="off" .value=${field?.description ?? ''} />
      </label>
      ${error}${buttons}
    </form>`;
  }
}

customElements.get('ml-fields-screen') || customElements.define('ml-fields-screen', FieldsScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-fields-screen': FieldsScreenElement;
  }
}
