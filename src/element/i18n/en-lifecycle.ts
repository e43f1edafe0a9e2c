import { addEnglish } from './localize.js';

/** English for the asset lifecycle's lazy parts: where used, the trash, folder upload. */
export const enLifecycle = {
  usedIn: 'Used in',
  usedInLoading: 'Looking up where this file is used…',
  usedInNone: 'Not used in any place the library has been told of.',
  usedInFailed: 'Could not look up where this file is used: {message}',
  opensInNewTab: '(opens in a new tab)',
  usedInRename: 'Renaming changes this file’s URL. Check the places below after you save.',
  usageChecking: 'Checking where these files are used…',
  usageDelete: '{name} is used in: {places}. Those places will lose it.',
  usageMove: '{name} is used in: {places}. Moving it changes its URL; check those places after.',
  trashLoading: 'Loading the trash…',
  trashEmpty: 'The trash is empty.',
  trashLoadFailed: 'Could not load the trash: {message}',
  trashKept: 'Deleted files and folders stay here for {days} days, then go for good.',
  trashOff: 'This server deletes files at once: nothing comes to the trash.',
  trashDeleted: 'Deleted {date}',
  trashGoes: 'Goes for good {date}',
  trashFolder: 'Folder, files inside: {count}',
  trashMore: 'Show more',
  backToFiles: 'Back to files',
  restoreRename: 'Restore with a new name',
  restored: '{name} is back in {path}.',
  restoreConflict: '{path} is taken by another item now. Restore this one beside it under a new name?',
  deleteForever: 'Delete forever',
  deleteForeverAsk: 'Delete {name} forever? This cannot be undone.',
  deletedForever: '{name} deleted forever.',
  emptyTrash: 'Empty trash',
  emptyTrashAsk: 'Delete everything in the trash forever? This cannot be undone.',
  trashEmptied: 'The trash is empty now.',
  trashFailed: 'Could not do that: {message}',
  trashFilesAsk: {
    one: 'Delete {names}? It stays in the trash for {days} days, where you can restore it.',
    other:
      'Delete these {count} files: {names}? They stay in the trash for {days} days, where you can restore them.',
  },
  trashFolderAsk: {
    one: 'Delete the folder {name} and the {count} file in it? It stays in the trash for {days} days, where you can restore it.',
    other:
      'Delete the folder {name} and the {count} files in it? It stays in the trash for {days} days, where you can restore it.',
  },
  duplicatesFound: 'Already in the library, with the same content:',
  duplicateOf: '{name} is the same as {path}',
  dupUseExisting: 'Use the existing file',
  usedExisting: 'Used the files already in the library: {names}',
} as const;

addEnglish(enLifecycle);
