/**
 * English for what the first screen shows; the lazy parts' English is in en-more.ts. The
 * catalog every other locale falls back to. Values are strings with `{name}`
 * placeholders, or plural forms keyed by `Intl.PluralRules` categories (`one`, `other`…).
 */
export const en = {
  title: 'Media library',
  close: 'Close',
  cancel: 'Cancel',
  insert: 'Insert',
  insertCount: { one: 'Insert {count} file', other: 'Insert {count} files' },
  selectedCount: { one: '{count} file selected', other: '{count} files selected' },
  fileCount: { one: '{count} file', other: '{count} files' },
  selectAll: 'Select all in view',
  clearSelection: 'Clear selection',
  maxFilesReached: { one: 'You can select only {count} file.', other: 'You can select up to {count} files.' },
  notAccepted: 'This type of file cannot be inserted here.',
  altMissing: 'Add alt text before inserting: {names}',
  toggleFolders: 'Show folders',
  toggleDetails: 'Show details',
  viewLabel: 'View',
  viewGrid: 'Grid',
  viewList: 'List',
  sortLabel: 'Sort',
  newFolder: 'New folder',
  loading: 'Loading…',
  emptyFolder: 'This folder is empty',
  emptyFolderHint: 'Files added to this folder appear here.',
  noResults: 'No files match',
  noResultsHint: 'Try other words, or fewer filters.',
  clearFilters: 'Clear filters',
  errorTitle: 'Something went wrong',
  retry: 'Retry',
  sessionExpired: 'Your session has ended. Sign in again, then retry.',
  offline: 'The media server could not be reached. Check your connection, then retry.',
  notConfigured: 'The media library is not set up: give it an auth-url (or a client).',
  searchLabel: 'Search',
  searchPlaceholder: 'Search names and tags',
  clearSearch: 'Clear search',
  filtersLabel: 'Filters',
  filterType: 'Type',
  typeImage: 'Images',
  typeVideo: 'Videos',
  typeAudio: 'Audio',
  typePdf: 'PDFs',
  filterTags: 'Tags',
  filterDate: 'Date',
  date24h: 'Last 24 hours',
  date7d: 'Last 7 days',
  date30d: 'Last 30 days',
  date1y: 'Last 12 months',
  filterSize: 'Size',
  sizeSmall: 'Under 100 KB',
  sizeMedium: '100 KB to 1 MB',
  sizeLarge: '1 MB to 10 MB',
  sizeHuge: 'Over 10 MB',
  removeFilter: 'Remove filter: {name}',
  clearAll: 'Clear all',
  advanced: 'Advanced',
  customQuery: 'Custom query',
  resultsIn: 'Search results in {folder}',
  foldersLabel: 'Folders',
  rootFolder: 'All files',
  folderLoadError: 'Could not load folders.',
  breadcrumbLabel: 'Current folder',
  filesLabel: 'Files',
  folder: 'Folder',
  details: 'Details',
  dimensions: '{width} × {height}',
  // lifecycle
  trash: 'Trash',
  usedBadge: 'Used in places: {count}',
  filterUnused: 'Unused',
  // duplicates-rules
  findDuplicates: 'Find duplicates',
} as const;

/** Every message: the core's, and those only the lazy parts use (en-more.ts, en-edit.ts, en-upload.ts, en-people.ts). */
export type MessageKey =
  | keyof typeof en
  | keyof typeof import('./en-more.js').enMore
  | keyof typeof import('./en-edit.js').enEdit
  | keyof typeof import('./en-upload.js').enUpload
  | keyof typeof import('./en-admin.js').enAdmin
  | keyof typeof import('./en-people.js').enPeople
  | keyof typeof import('./en-collections.js').enCollections
  | keyof typeof import('./en-shares.js').enShares
  | keyof typeof import('./en-app.js').enApp
  | keyof typeof import('./en-comments.js').enComments
  | keyof typeof import('./en-lifecycle.js').enLifecycle
  | keyof typeof import('./en-ai-providers.js').enAiProviders
  | keyof typeof import('./en-duplicates.js').enDuplicates
  | keyof typeof import('./en-ai.js').enAi
  | keyof typeof import('./en-ai-jobs.js').enAiJobs;
