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

/** Places a popover under its trigger (above when it does not fit), aligned to the trigger's start edge. */
export function placePopover(popover: HTMLElement, anchor: Element): void {
  const rtl = getComputedStyle(anchor).direction === 'rtl';
  const a = anchor.getBoundingClientRect();
  const style = popover.style;
  style.top = `${a.bottom + 4}px`;
  style.left = rtl ? 'auto' : `${Math.max(8, a.left)}px`;
  style.right = rtl ? `${Math.max(8, innerWidth - a.right)}px` : 'auto';
  // Once it has a size, keep it on screen.
  requestAnimationFrame(() => {
    const p = popover.getBoundingClientRect();
    if (p.bottom > innerHeight - 8 && a.top - p.height - 4 > 8) style.top = `${a.top - p.height - 4}px`;
    if (!rtl && p.right > innerWidth - 8) style.left = `${Math.max(8, innerWidth - p.width - 8)}px`;
    if (rtl && p.left < 8) style.right = `${Math.max(8, innerWidth - p.width - 8)}px`;
  });
}
