// The argument `slmgen.signIn` accepts from tests and keybindings (no `vscode` import: unit-tested under Node).
import { z } from 'zod';
import { UserFacingError } from '../commands/errors';

const email = z.string().trim().email();

const signInArgumentSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('password'), email, password: z.string().min(1) }),
  // Without `code` the code is sent; with it, it is verified.
  z.strictObject({ method: z.literal('otp'), email, code: z.string().trim().regex(/^\d{6,10}$/, 'a code of 6 to 10 digits').optional() }),
  // `callbackUri`: complete a started GitHub sign-in with the URI the browser was sent back to.
  z.strictObject({ method: z.literal('github'), callbackUri: z.string().url().optional() }),
]);

/** A sign-in requested with an argument. */
export type SignInArgument = z.infer<typeof signInArgumentSchema>;

/** Parse the command argument: undefined asks the user; anything malformed is refused with the field named. */
export function parseSignInArgument(value: unknown): SignInArgument | undefined {
  if (value === undefined || value === null) return undefined;
  const result = signInArgumentSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new UserFacingError(`Invalid slmgen.signIn argument: ${where}${issue?.message ?? 'not a sign-in request'}.`);
}
