import { css } from 'lit';

/** Controls every part uses: buttons, fields, icons, popovers, focus rings. */
export const shared = css`
  :host {
    box-sizing: border-box;
    font-family: var(--_font);
    font-size: var(--_text-size);
    line-height: 1.4;
    color: var(--_text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .icon {
    width: 18px;
    height: 18px;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  :host(:dir(rtl)) .flip {
    transform: scaleX(-1);
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 32px;
    padding: 0 12px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_raised);
    cursor: pointer;
    white-space: nowrap;
    text-decoration: none;
  }
  .btn:hover {
    background: var(--_surface);
  }
  .btn.primary {
    background: var(--_accent);
    border-color: transparent;
    color: var(--_on-accent);
    font-weight: 600;
  }
  .btn.primary:hover {
    filter: brightness(1.08);
  }
  .btn.ghost {
    border-color: transparent;
    background: transparent;
  }
  .btn.ghost:hover {
    background: var(--_surface);
  }
  .btn.icon-only {
    width: 32px;
    padding: 0;
  }
  .btn[aria-pressed='true'],
  .btn[aria-expanded='true'],
  .btn.active {
    background: var(--_accent-soft);
    border-color: var(--_accent);
    color: var(--_accent);
  }
  .btn:disabled {
    opacity: 0.5;
    cursor: not-allowed;
    filter: none;
  }
  input:not([type='checkbox'], [type='radio']),
  select,
  textarea {
    min-height: 32px;
    padding: 4px 8px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_bg);
  }
  input[type='checkbox'],
  input[type='radio'] {
    accent-color: var(--_accent);
    margin: 0;
  }
  .popover {
    position: fixed;
    inset: auto;
    margin: 0;
    padding: 12px;
    min-width: 220px;
    max-width: min(420px, calc(100vw - 16px));
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised);
    color: var(--_text);
    box-shadow: var(--_shadow);
  }
  .muted {
    color: var(--_muted);
  }
  /* A line about what is listed below it (where a search looks, a limited sort). */
  .note {
    margin: 0;
    padding: 6px 12px;
    color: var(--_muted);
    font-size: 12px;
    border-bottom: 1px solid var(--_border);
  }
`;
