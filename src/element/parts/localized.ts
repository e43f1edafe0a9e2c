import { ContextConsumer } from '@lit/context';
import type { ReactiveControllerHost } from 'lit';
import { english, type Localizer } from '../i18n/localize.js';
import { localizeContext } from '../state/contexts.js';

/** A part's view of the root's Localizer; the part re-renders when the locale changes. */
export class LocalizeController {
  readonly #consumer: ContextConsumer<typeof localizeContext, ReactiveControllerHost & HTMLElement>;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#consumer = new ContextConsumer(host, { context: localizeContext, subscribe: true });
  }

  get value(): Localizer {
    return this.#consumer.value ?? english;
  }
}
