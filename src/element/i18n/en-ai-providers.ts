import { addEnglish } from './localize.js';

/** English for the actions that use the server's AI providers (alt text, Generate); loads with them. */
export const enAiProviders = {
  suggestAltText: 'Suggest alt text',
  suggestingAltText: 'Suggesting…',
  altTextSuggested: 'Suggested alt text filled in. Review it, then save.',
  generateOpen: 'Generate an image',
  generateTitle: 'Generate an image from a description',
  generatePrompt: 'Describe the image',
  generatePromptHint: 'What it shows, its style and colours. The description is kept as the file’s alt text.',
  generateSize: 'Size',
  generateSquare: 'Square, {width} × {height}',
  generateLandscape: 'Landscape, {width} × {height}',
  generatePortrait: 'Portrait, {width} × {height}',
  generateFileName: 'File name',
  generateSubmit: 'Generate',
  generating: 'Generating… this can take a minute.',
  generated: 'Generated {name} in {folder}.',
  generatePromptRequired: 'Describe the image to generate.',
} as const;

addEnglish(enAiProviders);
