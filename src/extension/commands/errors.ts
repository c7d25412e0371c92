// Errors as the user sees them: one short line, never a stack (the stack goes to the log). No `vscode` import.

/** Thrown when the user dismisses a picker or a question: the command ends quietly. */
export class CancelledByUser extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledByUser';
  }
}

/** A failure whose message is already written for the user (no "failed:" prefix needed). */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

const MAX_MESSAGE = 300;

/** The first line of an error's message, trimmed to a notification's length. */
export function shortMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  const firstLine = raw.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  const text = firstLine === '' ? 'Unknown error' : firstLine;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** The message a failed command shows: "SLMGEN: <what> failed: <why>", or the user-facing message as written. */
export function commandFailureMessage(title: string, error: unknown): string {
  if (error instanceof UserFacingError) return `SLMGEN: ${shortMessage(error)}`;
  return `SLMGEN: ${title} failed: ${shortMessage(error)}`;
}
