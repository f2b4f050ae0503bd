/**
 * Errors a user can act on. The CLI prints `message` as one line and exits with `exitCode`;
 * anything else is a bug and only shows a stack trace under --debug.
 */
export class NakhodaError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or bad input (a file, a flag, a field): exit 2. */
export class InputError extends NakhodaError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The cluster cannot be reached, or refuses our credentials: exit 3. */
export class ClusterUnreachableError extends NakhodaError {
  constructor(message: string) {
    super(message, 3);
  }
}
