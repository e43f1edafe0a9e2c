import { css } from 'lit';

/** The app's frame: a header above one screen that fills the rest of the viewport. */
export const appStyles = css`
  :host {
    display: grid;
    grid-template-rows: auto minmax(0, 1fr);
    height: 100dvh;
    background: var(--_bg);
  }
  .skip {
    position: absolute;
    inset-inline-start: 8px;
    top: -48px;
    z-index: 10;
    padding: 8px 12px;
    background: var(--_raised);
    border-radius: var(--_radius);
  }
  .skip:not(:focus) {
    clip-path: inset(50%);
  }
  .skip:focus {
    top: 8px;
  }
  header {
    display: flex;
    align-items: center;
    gap: 16px;
    padding: 8px 16px;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
  .product {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
    white-space: nowrap;
  }
  nav ul {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  nav a {
    display: block;
    padding: 6px 10px;
    border-radius: var(--_radius);
    color: var(--_text);
    text-decoration: none;
  }
  nav a:hover {
    background: var(--_raised);
  }
  nav a[aria-current='page'] {
    background: var(--_accent-soft);
    color: var(--_accent);
    font-weight: 600;
  }
  .spacer {
    flex: 1;
  }
  .account {
    position: relative;
  }
  .account-panel {
    position: absolute;
    inset-inline-end: 0;
    top: calc(100% + 6px);
    z-index: 5;
    display: grid;
    gap: 10px;
    min-width: 240px;
    padding: 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised);
    box-shadow: var(--_shadow);
  }
  .who {
    display: grid;
    gap: 2px;
  }
  .who .name {
    font-weight: 600;
  }
  .muted {
    color: var(--_muted);
  }
  label.field {
    display: grid;
    gap: 4px;
  }
  main {
    min-height: 0;
    overflow: auto;
  }
  main.library {
    overflow: hidden;
  }
  .state {
    display: grid;
    place-content: center;
    gap: 12px;
    min-height: 50vh;
    padding: 24px;
    text-align: center;
  }
  .state[role='alert'] {
    color: var(--_text);
  }
  .banner {
    padding: 8px 16px;
    background: var(--_accent-soft);
  }
  media-library {
    --ml-radius: var(--_radius);
  }
`;

/** The sign-in page: one form, centred. */
export const signInStyles = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100dvh;
    padding: 16px;
    background: var(--_surface);
  }
  main {
    display: contents;
  }
  form {
    display: grid;
    gap: 14px;
    width: min(360px, 100%);
    padding: 24px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) + 4px);
    background: var(--_bg);
    box-shadow: var(--_shadow);
  }
  h1 {
    margin: 0 0 4px;
    font-size: 20px;
  }
  label {
    display: grid;
    gap: 4px;
    font-weight: 500;
  }
  input {
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .error {
    margin: 0;
    color: var(--_danger);
    font-weight: 400;
  }
  .form-error {
    padding: 8px 10px;
    border-radius: var(--_radius);
    border: 1px solid var(--_danger);
  }
`;
