// The grid replaces @lit-labs/virtualizer's private `_positionChildren` with a faster one
// (src/element/parts/virtualizer-placement.ts). These fail when the virtualizer changes under it:
// a version other than the pinned one, another shape of the method, or other placements.
import { virtualize, virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { expect } from 'chai';
import { html, render } from 'lit';
import {
  type ChildPosition,
  placeChildrenInOneWalk,
  placementWrittenFor,
  positionChildren,
  type VirtualizerInternals,
} from '../../src/element/parts/virtualizer-placement.js';
import { until } from './until.js';

type Placement = (this: VirtualizerInternals, positions: Map<number, ChildPosition> | null) => void;

/** A virtualizer's class, from one rendered on the page (the package does not export it). */
async function virtualizerClass(): Promise<VirtualizerInternals> {
  const host = document.createElement('div');
  host.dataset.testContainer = '';
  document.body.append(host);
  render(
    html`<div class="scroller" style="height:200px;overflow:auto">
      ${virtualize({ items: [1, 2, 3], renderItem: (n: number) => html`<div>${n}</div>`, scroller: true })}
    </div>`,
    host,
  );
  const scroller = host.querySelector('.scroller') as HTMLElement & { [virtualizerRef]?: object };
  const virtualizer = await until(() => scroller[virtualizerRef], 'the virtualizer');
  return Object.getPrototypeOf(virtualizer) as VirtualizerInternals;
}

/** Children placed by `place` on a virtualizer of that class: each child's inline style, after each round. */
function placed(
  proto: VirtualizerInternals,
  place: Placement,
  rounds: Array<Map<number, ChildPosition>>,
): string[][] {
  const hostElement = document.createElement('div');
  for (let i = 0; i < 6; i++) hostElement.append(document.createElement('div'));
  // The virtualizer's own sizer is not a child it places.
  hostElement.append(Object.assign(document.createElement('div'), { className: 'sizer' }));
  hostElement.lastElementChild!.setAttribute('virtualizer-sizer', '');
  const virtualizer = Object.assign(Object.create(proto), { _hostElement: hostElement, _first: 2 });
  return rounds.map((positions) => {
    place.call(virtualizer, positions);
    return [...hostElement.children].map((child) => (child as HTMLElement).style.cssText);
  });
}

afterEach(() => {
  for (const element of document.querySelectorAll('[data-test-container]')) element.remove();
});

describe('the virtualizer the grid patches', () => {
  it('is the version the patch was written for, pinned exactly', async () => {
    const pkg = (await (await fetch('/package.json')).json()) as { dependencies: Record<string, string> };
    const installed = (await (await fetch('/node_modules/@lit-labs/virtualizer/package.json')).json()) as {
      version: string;
    };
    expect(pkg.dependencies['@lit-labs/virtualizer'], 'package.json').to.equal(placementWrittenFor);
    expect(installed.version, 'node_modules').to.equal(placementWrittenFor);
  });

  it('places children exactly as its own _positionChildren does, and takes the patch', async () => {
    const proto = await virtualizerClass();
    const upstream = proto._positionChildren as Placement;
    expect(upstream, 'not patched before the grid runs').to.not.equal(positionChildren);
    expect(upstream.length, 'one argument: the positions').to.equal(1);
    const rounds = [
      new Map<number, ChildPosition>([
        [2, { top: 0, left: 0, width: 164, height: 210 }],
        [3, { top: 0, left: 176, width: 164, height: 210 }],
        [4, { top: 222, left: 0, xOffset: 4, yOffset: 8 }],
        [7, { top: 222, left: 176, width: 164 }],
        [12, { top: 444, left: 0 }],
      ]),
      // Some move, some stay, one loses its offsets.
      new Map<number, ChildPosition>([
        [2, { top: 0, left: 0, width: 164, height: 210 }],
        [3, { top: 10, left: 170, width: 150, height: 200 }],
        [4, { top: 222, left: 0 }],
        [5, { top: 300, left: 30, height: 48 }],
      ]),
    ];
    const expected = placed(proto, upstream, rounds);
    expect(expected[0]![0], 'the virtualizer writes styles').to.contain('translate(0px, 0px)');
    expect(placed(proto, positionChildren, rounds)).to.deep.equal(expected);

    placeChildrenInOneWalk(Object.create(proto));
    expect(proto._positionChildren).to.equal(positionChildren);
  });
});
