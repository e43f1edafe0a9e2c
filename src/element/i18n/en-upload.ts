import { addEnglish } from './localize.js';

/** English for uploading (the Upload button, drop zone and panel); loads with them. */
export const enUpload = {
  upload: 'Upload',
  uploadTitle: 'Upload files',
  uploadTo: 'To folder',
  uploadTags: 'Tags',
  uploadTagsHint: 'Comma-separated, added to every file',
  uploadStart: { one: 'Upload {count} file', other: 'Upload {count} files' },
  uploadDrop: 'Drop files to upload them to {folder}',
  uploadConflicts: {
    one: '{count} file has the name of a file already in {folder}',
    other: '{count} files have the names of files already in {folder}',
  },
  uploadConflictAll: 'For all',
  conflictReplace: 'Replace (new version)',
  conflictKeepBoth: 'Keep both',
  conflictSkip: 'Skip',
  keepDetails: 'Replaced files keep their tags, custom metadata, alt text and focus area',
  uploadDone: { one: '{count} file uploaded.', other: '{count} files uploaded.' },
  uploadProgress: '{percent}% uploaded',
  uploadingFiles: { one: 'Uploading {count} file', other: 'Uploading {count} files' },
  uploadRetry: { one: 'Retry {count} file', other: 'Retry {count} files' },
  uploadFailedCount: {
    one: '{count} file could not be uploaded.',
    other: '{count} files could not be uploaded.',
  },
  uploadNotAccepted: '{name} was not added: only {types} can be uploaded here.',
  kindImages: 'images',
  kindVideos: 'videos',
  kindAudio: 'audio files',
  kindPdfs: 'PDFs',
  kindFormat: '{format} files',
  uploadBadName: 'The name “{name}” cannot be used. {why}',
  uploadBadFile: '{name} could not be uploaded. {why}',
  uploadTooLarge: '{name} is larger than this server accepts.',
  uploadLoadFailed: 'The upload panel could not be loaded. Check your connection and try again.',
} as const;

addEnglish(enUpload);
