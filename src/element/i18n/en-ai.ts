import { addEnglish } from './localize.js';

/** English for the AI discovery parts (suggestions, similar images, AI tags); loads with them. */
export const enAi = {
  suggestionsLabel: 'Suggestions',
  suggestionsLoading: 'Looking for suggestions…',
  suggestionsFailed: 'No suggestions: {message}',
  suggestionsCount: { one: '{count} suggestion', other: '{count} suggestions' },
  suggestionName: 'File',
  suggestionTag: 'Tag',
  suggestionAiTag: 'AI tag',
  suggestionFolder: 'Folder',
  suggestionMetadata: 'Field {field}',
  findSimilar: 'Find similar',
  similarTo: 'Similar to {name}',
  similarLoading: 'Looking for similar images…',
  similarNone: 'No similar images found.',
  similarFailed: 'Could not find similar images: {message}',
  similarBack: 'Back to files',
  similarMatch: '{percent}% alike',
  aiTags: 'AI tags',
  aiTagConfidence: '{name}: {confidence}% confidence',
  acceptAiTag: 'Accept {name} as a tag',
  rejectAiTag: 'Reject AI tag {name}',
  aiTagAccepted: 'Added {name} to the tags.',
  aiTagRejected: 'Removed the AI tag {name}.',
  aiTagFailed: 'Could not change the AI tag {name}: {message}',
};

addEnglish(enAi);
