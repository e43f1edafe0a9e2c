/// <reference types="vite/client" />
import coreCss from '@uppy/core/css/style.min.css?inline';
import dashboardCss from '@uppy/dashboard/css/style.min.css?inline';
import urlCss from '@uppy/url/css/style.min.css?inline';
import webcamCss from '@uppy/webcam/css/style.min.css?inline';
import { css, unsafeCSS } from 'lit';

/** Uppy's own styles, in the panel's shadow root (they cannot reach it from the page). */
export const uppyStyles = unsafeCSS(coreCss + dashboardCss + urlCss + webcamCss);

/** The panel: a modal dialog, Uppy's dashboard in the middle. */
export const uploadPanelStyles = css`
  :host {
    display: contents;
  }
  :host([hidden]) {
    display: none;
  }
  dialog {
    width: min(760px, calc(100vw - 32px));
    max-height: calc(100dvh - 32px);
    padding: 0;
    border: 1px solid var(--_border, #ccc);
    border-radius: var(--_radius, 8px);
    background: var(--_bg, #fff);
    color: var(--_text, inherit);
    box-shadow: var(--_shadow, 0 8px 32px rgb(0 0 0 / 0.25));
  }
  dialog[open] {
    display: flex;
    flex-direction: column;
  }
  section {
    flex: 1;
    min-height: 0;
    display: grid;
    grid-template-rows: auto auto minmax(0, 1fr) auto;
    gap: 12px;
    padding: 16px;
  }
  dialog::backdrop {
    background: var(--ml-backdrop, rgb(0 0 0 / 0.4));
  }
  header,
  footer,
  .options {
    display: flex;
    gap: 12px;
    align-items: end;
  }
  header h3 {
    flex: 1;
    margin: 0;
    font-size: 1.1em;
  }
  .options label {
    display: grid;
    gap: 4px;
    flex: 1;
    font-size: 0.9em;
  }
  .options input {
    font: inherit;
    padding: 6px 8px;
    border: 1px solid var(--_border, #ccc);
    border-radius: 6px;
    background: transparent;
    color: inherit;
  }
  .generate {
    display: flex;
    flex-direction: column;
    align-items: start;
    gap: 8px;
    margin-block: 8px;
  }
  .generate ml-generate-image {
    align-self: stretch;
  }
  .dashboard {
    min-height: 0;
    overflow: auto;
  }
  footer {
    justify-content: end;
    align-items: center;
  }
  footer [role='status'] {
    flex: 1;
  }
  .conflicts {
    display: grid;
    gap: 8px;
    padding: 12px;
    border: 1px solid var(--_border, #ccc);
    border-radius: 6px;
    max-height: 240px;
    overflow: auto;
  }
  .conflicts p {
    margin: 0;
    font-weight: 600;
  }
  .conflict {
    display: flex;
    gap: 8px;
    align-items: center;
    justify-content: space-between;
  }
  .conflict span {
    overflow-wrap: anywhere;
  }
  .keep {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  select {
    font: inherit;
  }
`;
