import { addEnglish } from './localize.js';

/** English for duplicates (the upload dialog, the Find duplicates view) and the upload rules' settings. */
export const enDuplicates = {
  duplicateNearOf: '{name} looks like {path}',
  dupApplyAll: 'For all of them',
  dupReplace: 'Replace it (new version)',
  dupViewTitle: 'Duplicates in {folder}',
  dupViewIntro:
    'Files with the same content, and images that look the same. Keep one of each group; the others go to the trash.',
  dupViewLoading: 'Looking for duplicates…',
  dupViewEmpty: 'No duplicates found.',
  dupViewFailed: 'Could not look for duplicates: {message}',
  dupViewMore: 'Look further',
  dupViewClose: 'Back to the files',
  dupGroup: 'Group of {count} files',
  dupIdentical: 'Identical',
  dupSimilar: 'Similar ({distance} of 64 bits differ)',
  dupUsedIn: 'Used in {count} places',
  dupKeepThis: 'Keep {name}, trash the others',
  dupKept: 'Kept {name}; moved {count} other files to the trash.',
  dupKeepFailed: 'Could not trash the others: {message}',
  adminSettingsNearDistance: 'Near duplicates',
  adminSettingsNearDistanceHint:
    'Images whose fingerprints differ in at most this many of 64 bits count as the same picture (0 to 11; empty turns it off).',
  adminRulesTitle: 'Upload rules',
  adminRulesHint:
    'Enforced: uploads asking otherwise are refused. Default: applies when an upload says nothing.',
  adminRuleOff: 'Off',
  adminRuleDefault: 'Default',
  adminRuleEnforced: 'Enforced',
  adminRuleNaming: 'When the name is taken',
  adminRuleNamingUnique: 'Give the new file a unique name',
  adminRuleNamingVersion: 'Make it a new version of the file',
  adminRuleNamingReject: 'Refuse the upload',
  adminRuleTypes: 'Allowed types',
  adminRuleTypesHint: 'MIME types or families, separated by commas, e.g. image/*, application/pdf',
  adminRuleMaxSize: 'Largest file (MB)',
  adminRuleFolderTags: 'Tags per folder',
  adminRuleFolderTagsHint: 'One folder a line: /folder: tag1, tag2',
} as const;

addEnglish(enDuplicates);
