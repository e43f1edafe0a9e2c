import { addEnglish } from './localize.js';

/** English for the editing parts (details editor, bulk edits, organising, versions, image editor); loads with them. */
export const enEdit = {
  altText: 'Alt text',
  altCount: { one: '{count} character', other: '{count} characters' },
  altHint: 'Describe the image for people who cannot see it.',
  tagsLabel: 'Tags',
  tagSuggestions: 'Suggested tags',
  save: 'Save',
  saving: 'Saving…',
  saved: 'Saved.',
  discard: 'Discard changes',
  unsaved: 'Unsaved changes',
  unsavedKept: 'Your changes to {name} are not saved yet. Save or discard them to see {other}.',
  saveFailed: 'Could not save: {message}',
  fieldRequired: 'Required.',
  fieldMinLength: { one: 'At least {count} character.', other: 'At least {count} characters.' },
  fieldMaxLength: { one: 'At most {count} character.', other: 'At most {count} characters.' },
  fieldNumber: 'Enter a number.',
  fieldDate: 'Enter a date.',
  fieldMin: 'At least {value}.',
  fieldMax: 'At most {value}.',
  fieldNone: '(none)',
  readOnly: 'This session can view but not change files.',
} as const;

addEnglish(enEdit);
