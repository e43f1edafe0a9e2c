import { css } from 'lit';

/**
 * Design tokens. Each `--ml-*` custom property a host sets overrides the private `--_*` value
 * every part reads; colours follow `color-scheme`, which `theme` sets (light, dark or the OS's).
 */
export const tokens = css`
  :host {
    color-scheme: light dark;
    --_font: var(--ml-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif);
    --_text-size: var(--ml-font-size, 14px);
    --_radius: var(--ml-radius, 8px);
    --_cell: var(--ml-cell-size, 164px);
    --_row: var(--ml-row-height, 48px);
    --_bg: var(--ml-color-bg, light-dark(#ffffff, #17181b));
    --_surface: var(--ml-color-surface, light-dark(#f4f5f7, #202226));
    --_raised: var(--ml-color-surface-raised, light-dark(#ffffff, #2a2c31));
    --_text: var(--ml-color-text, light-dark(#1b1e23, #e9ebee));
    --_muted: var(--ml-color-text-muted, light-dark(#59606b, #a3a9b3));
    --_border: var(--ml-color-border, light-dark(#dcdfe4, #3a3d44));
    --_accent: var(--ml-color-accent, light-dark(#2456d3, #86a8ff));
    --_on-accent: var(--ml-color-on-accent, light-dark(#ffffff, #0c1530));
    --_accent-soft: var(--ml-color-accent-soft, light-dark(#e8eefd, #27335a));
    --_danger: var(--ml-color-danger, light-dark(#b42318, #ff9b8f));
    --_skeleton: var(--ml-color-skeleton, light-dark(#e9ebef, #2c2f35));
    --_shadow: var(--ml-shadow, 0 24px 64px rgb(0 0 0 / 0.28));
    --_dialog-width: var(--ml-dialog-width, min(1240px, calc(100vw - 48px)));
    --_dialog-height: var(--ml-dialog-height, min(840px, calc(100vh - 48px)));
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([density='compact']) {
    --_cell: var(--ml-cell-size, 124px);
    --_row: var(--ml-row-height, 38px);
    --_text-size: var(--ml-font-size, 13px);
  }
`;
