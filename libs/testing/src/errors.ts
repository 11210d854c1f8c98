// errorOf: pure, also the library's entry `@credit/testing/errors` for the pure libraries' unit specs.
/** The error `action` throws, which must be an instance of `type`; fails the test otherwise. */
export function errorOf<E extends Error>(
  action: () => unknown,
  type: abstract new (...args: never[]) => E,
): E {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}
