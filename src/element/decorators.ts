import type { PropertyDeclaration, ReactiveElement } from 'lit';

/*
 * Lit's `@property()` and `@state()` for TypeScript's experimental decorators, the kind this build
 * can lower (oxc leaves standard decorators as they are). Lit's own also carry the standard
 * decorators' path, which the core bundle would load for nothing; these declare the property the
 * same way, through Lit's `createProperty`. See docs/decisions.md.
 */

/** A reactive property: it re-renders the element when set, with an attribute unless `attribute: false`. */
export const property =
  (options?: PropertyDeclaration) =>
  (proto: ReactiveElement, name: string): void =>
    (proto.constructor as typeof ReactiveElement).createProperty(name, options);

/** Internal reactive state: it re-renders the element when set, and has no attribute. */
export const state = (options?: PropertyDeclaration) => property({ ...options, state: true });
