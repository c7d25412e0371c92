/**
 * An error with an HTTP status and a message that is safe to show the client. Routes throw it; the app's error
 * handler turns it into `{"detail": message}`.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The one "not found" for sessions: unknown, expired and someone else's look the same. */
export function sessionNotFound(): HttpError {
  return new HttpError(404, 'Session not found or expired. Upload the dataset again.');
}

/** A route whose engine module is not available in this build. */
export function notImplemented(what: string): HttpError {
  return new HttpError(501, `${what} is not available in this build of the server.`);
}
