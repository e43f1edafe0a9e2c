// Waiting for the page to reach a state; no side effects, so tests of the built bundle can use it
// without registering the element from source (helpers.ts does).

/** Resolves once `check` answers (or resolves to) something truthy; fails with `what` after `timeout` ms. */
export async function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what = 'condition',
  timeout = 10_000,
): Promise<T> {
  const start = performance.now();
  for (;;) {
    let value: T | undefined | null | false;
    try {
      value = await check();
    } catch {
      // Not there yet.
    }
    if (value) return value;
    if (performance.now() - start > timeout) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
