import type { CSSResult } from 'lit';

/**
 * Intent from a part to the root element: a non-composed CustomEvent, so it never leaves the
 * root's shadow tree. Public events (`ml-insert`…) are the root's alone.
 */
export function emit<T>(target: EventTarget, type: string, detail?: T): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
}

/** Adds a lazy chunk's styles to a shadow root (once). */
export function adoptStyles(shadowRoot: ShadowRoot | null, styles: CSSResult): void {
  const sheet = styles.styleSheet;
  if (!shadowRoot || !sheet || shadowRoot.adoptedStyleSheets.includes(sheet)) return;
  shadowRoot.adoptedStyleSheets = [...shadowRoot.adoptedStyleSheets, sheet];
}

/** Runs `task` when the browser is idle (soon, where there is no idle callback). */
export function whenIdle(task: () => void): void {
  const idle =
    (globalThis as { requestIdleCallback?: (fn: () => void) => void }).requestIdleCallback ?? setTimeout;
  idle(task);
}
