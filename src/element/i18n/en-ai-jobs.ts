import { addEnglish } from './localize.js';

/** English for the AI jobs the details panel watches and "Remove background"; loads with the panel. */
export const enAiJobs = {
  aiAnalysing: 'Analysing…',
  aiRemovingBackground: 'Removing the background…',
  aiAnalysed: 'Analysis finished.',
  backgroundRemoved: 'Background removed. The result is the current version ({version}).',
  aiTooLong: 'The analysis is taking longer than usual. Its results show when you open the file again.',
  aiTaggingFailed: 'Auto-tagging failed on the server.',
  removeBackgroundFailed: 'The background could not be removed on the server. The file is unchanged.',
  removeBackground: 'Remove background',
  removeBackgroundMenu: 'Remove background…',
  removeBackgroundAsk:
    'Remove the background of {name}? The result is stored as a new version of the file, with the same URL; the current version stays in the version history, where you can restore it.',
  removeBackgroundHint: 'Works best on photos of people.',
  removeBackgroundFill: 'New background',
  removeBackgroundTransparent: 'Transparent',
  removeBackgroundColour: 'A colour',
  removeBackgroundColourLabel: 'Background colour',
  removeBackgroundJpeg: 'A JPEG has no transparency: the background becomes this colour.',
  removeBackgroundStartFailed: 'The background could not be removed: {message}',
} as const;

addEnglish(enAiJobs);
