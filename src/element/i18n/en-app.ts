import { addEnglish } from './localize.js';

/** English for the DAM app at `/app/` (src/app): sign-in, header, account menu, navigation. */
export const enApp = {
  appName: 'Media Library',
  appSkipToContent: 'Skip to content',
  appSignInTitle: 'Sign in to {name}',
  appEmail: 'Email',
  appPassword: 'Password',
  appSignIn: 'Sign in',
  appSigningIn: 'Signing in…',
  appEmailMissing: 'Enter your email address.',
  appPasswordMissing: 'Enter your password.',
  appSignInFailed: 'The email or password is wrong.',
  appSignInLocked: {
    one: 'Too many failed sign-ins. Try again in {count} minute.',
    other: 'Too many failed sign-ins. Try again in {count} minutes.',
  },
  appSignInError: 'Could not sign in: {message}',
  appAccount: 'Account',
  appSignOut: 'Sign out',
  appLanguage: 'Language',
  appRoleAdmin: 'Administrator',
  appRoleManager: 'Manager',
  appRoleMember: 'Member',
  appScreens: 'Screens',
  appLibrary: 'Library',
  appUsers: 'Users',
  appGroups: 'Groups',
  appKeys: 'API keys',
  appFields: 'Metadata fields',
  appSettings: 'Settings',
  appActivity: 'Activity',
  appScreenLoading: 'Loading {name}…',
  appScreenUnavailable:
    '{name} could not be loaded. It may not be part of this server yet, or the connection dropped.',
  appOffline:
    'You are offline, and the media server cannot be reached. The library opens again once it is back.',
  appSessionEnded: 'Your session has ended. Sign in again.',
  appNotFound: 'There is no page at this address.',
} as const;

addEnglish(enApp);
