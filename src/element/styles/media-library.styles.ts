import { css } from 'lit';

export const mediaLibraryStyles = css`
  :host {
    display: inline;
  }
  :host([mode='inline']) {
    display: block;
    height: 640px;
  }
  :host([mode='app']) {
    display: block;
    height: 100%;
  }
  :host([hidden]) {
    display: none;
  }
  dialog {
    width: var(--_dialog-width);
    height: var(--_dialog-height);
    max-width: 100vw;
    max-height: 100vh;
    padding: 0;
    overflow: hidden;
    border: 0;
    border-radius: calc(var(--_radius) + 4px);
    background: var(--_bg);
    color: var(--_text);
    box-shadow: var(--_shadow);
  }
  dialog::backdrop {
    background: var(--ml-backdrop, rgb(12 14 18 / 0.55));
  }
  @media (max-width: 720px) {
    dialog {
      width: 100vw;
      height: 100dvh;
      border-radius: 0;
    }
  }
  .shell {
    position: relative;
    display: grid;
    grid-template-rows: auto minmax(0, 1fr) auto;
    height: 100%;
    min-height: 0;
    container: shell / inline-size;
    background: var(--_bg);
    color: var(--_text);
  }
  :host([mode='inline']) .shell {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .top {
    display: flex;
    align-items: flex-start;
    gap: 12px;
    padding: 12px 16px;
    border-bottom: 1px solid var(--_border);
  }
  .top h2 {
    flex: none;
    margin: 0;
    padding-top: 8px;
    font-size: 16px;
    font-weight: 650;
  }
  /* The app's header names the product: the title stays for screen readers only. */
  :host([mode='app']) .top h2 {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  ml-search-bar {
    flex: 1;
  }
  .body {
    position: relative;
    display: grid;
    grid-template-columns: 232px minmax(0, 1fr) auto;
    min-height: 0;
  }
  .sidebar {
    min-height: 0;
    overflow: auto;
    border-inline-end: 1px solid var(--_border);
    background: var(--_bg);
  }
  .trash-entry {
    margin: 4px 8px 8px;
  }
  .content[hidden] {
    display: none;
  }
  .content {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 8px 12px;
    border-bottom: 1px solid var(--_border);
  }
  ml-breadcrumbs {
    flex: 1;
  }
  .toggle-group {
    display: inline-flex;
  }
  .toggle-group .btn:first-child {
    border-start-end-radius: 0;
    border-end-end-radius: 0;
  }
  .toggle-group .btn:last-child {
    border-start-start-radius: 0;
    border-end-start-radius: 0;
    margin-inline-start: -1px;
  }
  .details {
    width: 300px;
    min-height: 0;
    overflow: auto;
    border-inline-start: 1px solid var(--_border);
    background: var(--_bg);
  }
  .only-narrow {
    display: none;
  }
  footer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
    padding: 10px 16px;
    border-top: 1px solid var(--_border);
    background: var(--_bg);
  }
  .summary {
    display: flex;
    align-items: center;
    gap: 8px;
    min-width: 0;
  }
  .notice {
    overflow-wrap: anywhere;
    color: var(--_danger);
    font-weight: 500;
  }
  .notice.info {
    color: var(--_muted);
  }
  .spacer {
    flex: 1;
  }
  .link {
    padding: 4px;
    border: 0;
    background: none;
    color: var(--_accent);
    cursor: pointer;
    text-decoration: underline;
  }
  .config-error {
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 32px;
    color: var(--_danger);
  }
  @container shell (max-width: 820px) {
    .body {
      grid-template-columns: minmax(0, 1fr);
    }
    .sidebar,
    .details {
      position: absolute;
      inset-block: 0;
      z-index: 2;
      box-shadow: var(--_shadow);
    }
    .sidebar {
      inset-inline-start: 0;
      width: min(280px, 85%);
    }
    .details {
      inset-inline-end: 0;
      width: min(320px, 90%);
    }
    .sidebar:not(.open) {
      display: none;
    }
    .only-narrow {
      display: inline-flex;
    }
    /* The breadcrumb takes the first row with the folders button; the other buttons wrap below. */
    .toolbar {
      flex-wrap: wrap;
    }
    ml-breadcrumbs {
      flex-basis: calc(100% - 38px);
    }
    .top {
      flex-wrap: wrap;
    }
    .top h2 {
      display: none;
    }
    /* Icon-only buttons keep their text for screen readers. */
    .label-wide {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  }
`;
