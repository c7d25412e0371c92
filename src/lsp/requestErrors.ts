/**
 * How request handlers fail: with a JSON-RPC error that says what went wrong, never with an exception escaping a
 * handler. Bad parameters are InvalidParams, a cancelled request RequestCancelled, a fix or report asked for a
 * version the document has moved past ContentModified, anything else InternalError (logged with its stack).
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';

/** A request refused for what it asked. */
export function invalidParams(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The error of a cancelled request. */
export function cancelledError(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Cancelled');
}

/** `promise`, or a RequestCancelled error as soon as the request is cancelled. */
export function untilCancelled<T>(promise: Promise<T>, token: CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(cancelledError());
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => reject(cancelledError()));
    promise.then(
      (value) => {
        listener.dispose();
        resolve(value);
      },
      (err: unknown) => {
        listener.dispose();
        reject(err);
      },
    );
  });
}

/** The response error for whatever a handler of `method` threw (`logError` hears about unexpected ones). */
export function toResponseError(method: string, err: unknown, token: CancellationToken | undefined, logError: (message: string) => void): ResponseError<void> {
  if (err instanceof ResponseError) return err as ResponseError<void>;
  if (token?.isCancellationRequested || (err instanceof Error && err.name === 'AbortError')) return cancelledError();
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'StaleVersionError') return new ResponseError(LSPErrorCodes.ContentModified, message);
  logError(`${method} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
  return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${message}`);
}
