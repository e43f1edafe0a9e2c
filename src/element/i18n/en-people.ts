import { addEnglish } from './localize.js';

/** English for "Share with people…" and the level-aware controls; loads with a DAM user's levels. */
export const enPeople = {
  share: 'Share',
  shareWithPeople: 'Share with people…',
  shareTitle: 'Share “{name}”',
  shareLoading: 'Loading who has access…',
  shareLoadFailed: 'Could not load who has access: {message}',
  shareNobody: 'No one has been given access here yet; administrators and managers always have it.',
  shareListLabel: 'People and groups with access',
  shareInheritedFrom: 'From {folder}',
  shareLevelFor: 'Access for {name}',
  shareRemoveFor: 'Remove access for {name}',
  shareRemove: 'Remove',
  shareAddHeading: 'Add people or groups',
  shareSearchLabel: 'Person or group',
  shareSearchHint: 'Type a name, an email or a group’s name, then choose from the list.',
  shareSearching: 'Searching…',
  shareNoMatches: 'No person or group matches “{text}”.',
  shareSearchFailed: 'Could not look people up: {message}',
  shareLevelLabel: 'Access level',
  shareAdd: 'Add',
  sharePickFirst: 'Choose a person or group from the list first.',
  shareAboveOwn: 'You cannot give more access than you have yourself.',
  levelView: 'Can view',
  levelContribute: 'Can contribute',
  levelManage: 'Can manage',
  principalGroup: 'Group',
  principalUnknown: 'Removed ({id})',
  shareSaved: '{name} now has access: {level}.',
  shareRemoved: 'Access for {name} removed.',
  shareDone: 'Done',
};

addEnglish(enPeople);
