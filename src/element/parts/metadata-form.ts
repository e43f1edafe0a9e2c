import { html, nothing, type TemplateResult } from 'lit';
import type { CustomMetadataField, CustomMetadataValue } from '../../shared/wire.js';
import type { Localizer } from '../i18n/localize.js';

/** A draft value: `undefined` when the field is empty (saved as a removal). */
export type DraftValue = CustomMetadataValue | undefined;

const length = (text: string) => [...text].length;
const dateOf = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : '');

/** What is wrong with `value` under the field's schema, as the server will judge it; undefined when fine. */
export function fieldProblem(
  l: Localizer,
  field: CustomMetadataField,
  value: DraftValue,
): string | undefined {
  const s = field.schema;
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return s.isValueRequired ? l.t('fieldRequired') : undefined;
  }
  if (typeof value === 'string' && (s.type === 'Text' || s.type === 'Textarea')) {
    if (s.minLength !== undefined && length(value) < s.minLength)
      return l.t('fieldMinLength', { count: s.minLength });
    if (s.maxLength !== undefined && length(value) > s.maxLength)
      return l.t('fieldMaxLength', { count: s.maxLength });
  }
  if (s.type === 'Number' || s.type === 'Date') {
    const rank = (v: unknown) => (s.type === 'Number' ? Number(v) : Date.parse(String(v)));
    if (Number.isNaN(rank(value))) return l.t(s.type === 'Number' ? 'fieldNumber' : 'fieldDate');
    if (s.minValue !== undefined && rank(value) < rank(s.minValue))
      return l.t('fieldMin', { value: s.type === 'Date' ? dateOf(s.minValue) : s.minValue });
    if (s.maxValue !== undefined && rank(value) > rank(s.maxValue))
      return l.t('fieldMax', { value: s.type === 'Date' ? dateOf(s.maxValue) : s.maxValue });
  }
  return undefined;
}

/**
 * One form control per field, from its schema, with the constraints as attributes (so the
 * browser's own hints agree) and the problem (ours or the server's) under it.
 */
export function renderField(
  l: Localizer,
  field: CustomMetadataField,
  value: DraftValue,
  problem: string | undefined,
  change: (value: DraftValue) => void,
  disabled: boolean,
): TemplateResult {
  const s = field.schema;
  const id = `cm-${field.name}`;
  const described = problem ? `${id}-problem` : nothing;
  const label = html`<label for=${id}>${field.label}${s.isValueRequired ? html` <span aria-hidden="true">*</span>` : nothing}</label>`;
  const text = (event: Event) => {
    const raw = (event.target as HTMLInputElement).value;
    if (s.type === 'Number') change(raw === '' ? undefined : Number(raw));
    else change(raw === '' ? undefined : raw);
  };
  let control: TemplateResult;
  switch (s.type) {
    case 'Textarea':
      control = html`<textarea id=${id} rows="3" .value=${String(value ?? '')} minlength=${s.minLength ?? nothing}
        maxlength=${s.maxLength ?? nothing} ?required=${s.isValueRequired} aria-invalid=${String(!!problem)}
        aria-describedby=${described} ?disabled=${disabled} @input=${text}></textarea>`;
      break;
    case 'Boolean':
      return html`<div class="field check">
        <label><input id=${id} type="checkbox" .checked=${value === true} ?disabled=${disabled}
          aria-invalid=${String(!!problem)} aria-describedby=${described}
          @change=${(e: Event) => change((e.target as HTMLInputElement).checked)} />${field.label}</label>
        ${problem ? html`<p class="field-error" id=${`${id}-problem`}>${problem}</p>` : nothing}
      </div>`;
    case 'SingleSelect': {
      const options = s.selectOptions ?? [];
      control = html`<select id=${id} ?required=${s.isValueRequired} aria-invalid=${String(!!problem)}
        aria-describedby=${described} ?disabled=${disabled}
        @change=${(e: Event) => {
          const index = (e.target as HTMLSelectElement).selectedIndex - 1;
          change(index < 0 ? undefined : options[index]);
        }}>
        <option value="" ?selected=${value === undefined}>${l.t('fieldNone')}</option>
        ${options.map((option) => html`<option ?selected=${option === value}>${String(option)}</option>`)}
      </select>`;
      break;
    }
    case 'MultiSelect': {
      const chosen = Array.isArray(value) ? value : [];
      return html`<fieldset class="field" aria-describedby=${described} ?disabled=${disabled}>
        <legend>${field.label}</legend>
        ${(s.selectOptions ?? []).map(
          (option) => html`<label class="check"><input type="checkbox" .checked=${chosen.includes(option)}
            @change=${(e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              const next = (s.selectOptions ?? []).filter((o) => (o === option ? on : chosen.includes(o)));
              change(next.length ? next : undefined);
            }} />${String(option)}</label>`,
        )}
        ${problem ? html`<p class="field-error" id=${`${id}-problem`}>${problem}</p>` : nothing}
      </fieldset>`;
    }
    default: {
      const kind = s.type === 'Number' ? 'number' : s.type === 'Date' ? 'date' : 'text';
      const bound = (v: string | number | undefined) =>
        v === undefined ? nothing : kind === 'date' ? dateOf(v) : v;
      control = html`<input id=${id} type=${kind} .value=${kind === 'date' ? dateOf(value) : String(value ?? '')}
        min=${bound(s.minValue)} max=${bound(s.maxValue)} step=${kind === 'number' ? 'any' : nothing}
        minlength=${s.minLength ?? nothing} maxlength=${s.maxLength ?? nothing} ?required=${s.isValueRequired}
        aria-invalid=${String(!!problem)} aria-describedby=${described} ?disabled=${disabled} @input=${text} />`;
    }
  }
  return html`<div class="field">
    ${label}${control}
    ${problem ? html`<p class="field-error" id=${`${id}-problem`}>${problem}</p>` : nothing}
  </div>`;
}
