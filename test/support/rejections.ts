// The error a promise is expected to reject with, for tests of refusals.
import { isTwinzoneError, type TwinzoneError } from '../../shared/errors/twinzone-error.js';

/** The rejection of P; fails the test (with UNEXPECTED) when P fulfils. */
export async function failure<E = { code: string; message: string }>(p: Promise<unknown>, unexpected = 'expected a rejection'): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error(unexpected);
}

/** The TwinzoneError P rejects with; any other error is rethrown, fulfilment fails the test. */
export async function rejection(p: Promise<unknown>): Promise<TwinzoneError> {
  try {
    await p;
  } catch (err) {
    if (isTwinzoneError(err)) return err;
    throw err;
  }
  throw new Error('expected the operation to fail');
}

/** The code of the TwinzoneError FN throws synchronously, or 'no error'; anything else is rethrown. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isTwinzoneError(err)) return err.code;
    throw err;
  }
  return 'no error';
}
