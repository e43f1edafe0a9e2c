import { css } from 'lit';

export const gridStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
    container-type: inline-size;
  }
  .scroller {
    flex: 1;
    min-height: 0;
    position: relative;
    overflow: auto;
    outline: none;
    overscroll-behavior: contain;
  }
  .sizer {
    width: 1px;
  }
  .cell {
    /* The window sizes and places each cell: nothing inside affects anything outside. */
    contain: strict;
    position: absolute;
    display: flex;
    flex-direction: column;
    padding: 6px;
    border: 1px solid transparent;
    border-radius: var(--_radius);
    background: var(--_bg);
    cursor: pointer;
    user-select: none;
  }
  .cell:hover {
    background: var(--_surface);
  }
  .thumb {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    overflow: hidden;
    border-radius: calc(var(--_radius) - 3px);
    background: var(--_surface) center / cover no-repeat;
  }
  .thumb.done {
    background-image: none !important;
  }
  .thumb.lqip {
    background-size: cover;
  }
  .thumb img {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: contain;
  }
  .type-icon {
    width: 38%;
    height: 38%;
    max-width: 56px;
    max-height: 56px;
    color: var(--_muted);
    stroke-width: 1.5;
  }
  .folder .type-icon {
    color: var(--_accent);
    fill: var(--_accent-soft);
  }
  .caption {
    display: flex;
    flex-direction: column;
    min-width: 0;
    padding: 6px 2px 0;
  }
  .name {
    overflow: hidden;
    font-size: 13px;
    font-weight: 500;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .meta {
    overflow: hidden;
    color: var(--_muted);
    font-size: 12px;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .selected {
    border-color: var(--_accent);
    background: var(--_accent-soft);
  }
  .used {
    position: absolute;
    bottom: 40px;
    inset-inline-end: 12px;
    min-width: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--_accent);
    color: #fff;
    font-size: 11px;
    line-height: 20px;
    text-align: center;
  }
  .check {
    position: absolute;
    top: 12px;
    inset-inline-start: 12px;
    display: flex;
    width: 22px;
    height: 22px;
    align-items: center;
    justify-content: center;
    border: 2px solid #fff;
    border-radius: 50%;
    background: rgb(0 0 0 / 0.35);
    color: #fff;
    opacity: 0;
    transition: opacity 120ms;
  }
  /* A tick drawn with two borders: no SVG per cell. */
  .check::after {
    content: '';
    width: 5px;
    height: 10px;
    margin-top: -2px;
    border: solid currentColor;
    border-width: 0 2.5px 2.5px 0;
    transform: rotate(45deg);
    visibility: hidden;
  }
  .cell:hover .check,
  .cell.selected .check {
    opacity: 1;
  }
  .cell.selected .check {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .cell.selected .check::after {
    visibility: visible;
  }
  [aria-disabled='true'] {
    opacity: 0.45;
    cursor: not-allowed;
  }
  :host([keyboard]) .scroller:focus .active {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  .shimmer {
    background: var(--_skeleton);
    animation: pulse 1.4s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.55;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .shimmer {
      animation: none;
    }
  }
  .skeleton {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--_cell), 1fr));
    gap: 12px;
    padding: 12px;
    overflow: hidden;
    flex: 1;
    align-content: start;
  }
  .skeleton-cell {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 6px;
  }
  .skeleton-cell div {
    aspect-ratio: 1;
    border-radius: calc(var(--_radius) - 3px);
  }
  .skeleton-cell span {
    height: 12px;
    width: 70%;
    border-radius: 4px;
  }
  .empty {
    display: flex;
    flex: 1;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 4px;
    padding: 32px;
    text-align: center;
  }
  .empty p {
    margin: 0;
    max-width: 46ch;
  }
  .empty .btn {
    margin-top: 12px;
  }
  .empty-title {
    font-size: 16px;
    font-weight: 600;
  }
  .big {
    width: 48px;
    height: 48px;
    margin-bottom: 8px;
    color: var(--_muted);
    stroke-width: 1.5;
  }
  .error .big {
    color: var(--_danger);
  }
  .more-error {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 12px;
    padding: 8px;
    border-top: 1px solid var(--_border);
    color: var(--_danger);
  }
`;
