/**
 * @lit-labs/virtualizer 2.1 walks every child (its `_children` getter) once per child while
 * placing them, O(n²) on every scroll frame, and rewrites every child's inline style even when it
 * has not moved. It has no public hook for placing children, so this replaces its private
 * `_positionChildren` with one that places them the same way, in one walk and with only the writes
 * that change something. package.json pins the version it was written for, and a test checks
 * that the version, the method's shape and the placement it produces are still those.
 */

/** The @lit-labs/virtualizer release whose private `_positionChildren` is replaced. */
export const placementWrittenFor = '2.1.1';

/** Where the layout puts a child (the virtualizer's own type, which it does not export). */
export interface ChildPosition {
  top: number;
  left: number;
  width?: number;
  height?: number;
  xOffset?: number;
  yOffset?: number;
}

/** The virtualizer's private members this relies on. */
export interface VirtualizerInternals {
  readonly _children: HTMLElement[];
  _first: number;
  _positionChildren(positions: Map<number, ChildPosition> | null): void;
}

/** Places the rendered children where the layout puts them; children that stay where they were get no writes. */
export function positionChildren(
  this: VirtualizerInternals,
  positions: Map<number, ChildPosition> | null,
): void {
  if (!positions) return;
  const children = this._children;
  const set = (
    style: CSSStyleDeclaration,
    name: 'position' | 'boxSizing' | 'transform' | 'width' | 'height' | 'left' | 'top',
    value: string,
  ) => {
    if (style[name] !== value) style[name] = value;
  };
  positions.forEach(({ top, left, width, height, xOffset, yOffset }, index) => {
    const style = children[index - this._first]?.style;
    if (!style) return;
    set(style, 'position', 'absolute');
    set(style, 'boxSizing', 'border-box');
    set(style, 'transform', `translate(${left}px, ${top}px)`);
    if (width !== undefined) set(style, 'width', `${width}px`);
    if (height !== undefined) set(style, 'height', `${height}px`);
    set(style, 'left', xOffset === undefined ? '' : `${xOffset}px`);
    set(style, 'top', yOffset === undefined ? '' : `${yOffset}px`);
  });
}

/** Installs `positionChildren` on a virtualizer's class (shared by every instance), once, where the method takes the one argument it was written for. */
export function placeChildrenInOneWalk(virtualizer: object | undefined): void {
  const proto = virtualizer && (Object.getPrototypeOf(virtualizer) as Partial<VirtualizerInternals>);
  if (proto?._positionChildren?.length === 1) proto._positionChildren = positionChildren;
}
