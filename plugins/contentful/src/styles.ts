/**
 * Contentful's look from Forma 36's design tokens (the token package; the React components
 * are not used), for the few controls the app draws and for the element's `--ml-*` theme.
 */
import tokens from '@contentful/f36-tokens';
import { css, unsafeCSS } from 'lit';

/** A Forma 36 token in a `css` template. */
export const t = (value: string | number) => unsafeCSS(value);

export { tokens };

/** The element in Contentful's colours and type, through its documented custom properties. */
export const elementTheme = css`
  media-library {
    --ml-font-family: ${t(tokens.fontStackPrimary)};
    --ml-font-size: ${t(tokens.fontSizeM)};
    --ml-radius: ${t(tokens.borderRadiusMedium)};
    --ml-color-text: ${t(tokens.gray900)};
    --ml-color-text-muted: ${t(tokens.gray600)};
    --ml-color-border: ${t(tokens.gray300)};
    --ml-color-surface: ${t(tokens.gray100)};
    --ml-color-accent: ${t(tokens.blue600)};
    --ml-color-accent-soft: ${t(tokens.blue100)};
    --ml-color-danger: ${t(tokens.red600)};
  }
`;

/** Type, buttons, inputs and notes shared by the configuration screen and the field. */
export const appStyles = css`
  :host {
    display: block;
    font-family: ${t(tokens.fontStackPrimary)};
    font-size: ${t(tokens.fontSizeM)};
    line-height: ${t(tokens.lineHeightM)};
    color: ${t(tokens.gray900)};
  }
  button {
    font: inherit;
    font-weight: ${t(tokens.fontWeightMedium)};
    display: inline-flex;
    align-items: center;
    gap: ${t(tokens.spacing2Xs)};
    min-height: 32px;
    padding: 0 ${t(tokens.spacingS)};
    border: 1px solid ${t(tokens.gray300)};
    border-radius: ${t(tokens.borderRadiusMedium)};
    background: ${t(tokens.colorWhite)};
    color: ${t(tokens.gray900)};
    cursor: pointer;
  }
  button:hover {
    background: ${t(tokens.gray100)};
  }
  button.primary {
    background: ${t(tokens.blue600)};
    border-color: ${t(tokens.blue600)};
    color: ${t(tokens.colorWhite)};
  }
  button.primary:hover {
    background: ${t(tokens.blue700)};
  }
  button.icon {
    padding: 0;
    width: 28px;
    min-height: 28px;
    justify-content: center;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible {
    outline: none;
    box-shadow: ${t(tokens.glowPrimary)};
  }
  input[type='text'],
  input[type='url'],
  input[type='number'] {
    font: inherit;
    width: 100%;
    box-sizing: border-box;
    min-height: 40px;
    padding: 0 ${t(tokens.spacingS)};
    border: 1px solid ${t(tokens.gray300)};
    border-radius: ${t(tokens.borderRadiusMedium)};
  }
  input[aria-invalid='true'] {
    border-color: ${t(tokens.red600)};
  }
  .note {
    margin: ${t(tokens.spacingXs)} 0;
    padding: ${t(tokens.spacingXs)} ${t(tokens.spacingS)};
    border-radius: ${t(tokens.borderRadiusMedium)};
    background: ${t(tokens.gray100)};
  }
  .note.error {
    background: ${t(tokens.red100)};
    color: ${t(tokens.red600)};
  }
  .note.ok {
    color: ${t(tokens.green600)};
  }
  .note.warning {
    color: ${t(tokens.orange600)};
  }
  .hint {
    color: ${t(tokens.gray600)};
    font-size: ${t(tokens.fontSizeS)};
  }
`;
