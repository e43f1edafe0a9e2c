import { addEnglish } from './localize.js';

/** English for collections (the sidebar section, a collection's view, the add dialog); loads with them. */
export const enCollections = {
  collectionsHeading: 'Collections',
  collectionsLoading: 'Loading collections…',
  collectionsEmpty: 'No collections yet.',
  collectionsError: 'Could not load collections.',
  collectionLabel: { one: '{name}, {count} file', other: '{name}, {count} files' },
  newCollection: 'New collection',
  collectionName: 'Collection name',
  collectionCreate: 'Create',
  collectionCreated: 'Collection {name} created.',
  collectionNameEmpty: 'Enter a name for the collection.',
  currentCollection: 'Current collection',
  collectionEmptyTitle: 'This collection is empty',
  collectionEmptyHint:
    'Add files with “Add to collection…” in a file’s menu, or drag them onto the collection.',
  reorderHint: 'Alt+arrow keys move the active file within the collection.',
  addToCollection: 'Add to collection…',
  removeFromCollection: 'Remove from collection',
  addToCollectionTitle: {
    one: 'Add {count} file to a collection',
    other: 'Add {count} files to a collection',
  },
  searchCollections: 'Search collections',
  noMatchingCollections: 'No collection matches.',
  addedToCollection: { one: '{count} file added to {name}.', other: '{count} files added to {name}.' },
  alreadyInCollection: 'Already in {name}.',
  removedFromCollection: {
    one: '{count} file removed from {name}.',
    other: '{count} files removed from {name}.',
  },
  movedInCollection: 'Moved {name} to position {position} of {count}.',
  openCollection: 'Open',
  collectionDownloadEmpty: '{name} has no files to download.',
  collectionDownloadTooMany:
    '{name} has more than {max} files, more than one ZIP may name: select up to {max} of them in its view and download those.',
} as const;

addEnglish(enCollections);
