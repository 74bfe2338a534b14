/** The migration cannot start or go on; the message says what to do. Nothing more is written. */
export class MigrateError extends Error {
  override readonly name: string = 'MigrateError';
}

/**
 * The target stores already hold data and the caller did not ask to resume:
 * the message lists what was found. Nothing was written.
 */
export class MigrateRefusedError extends MigrateError {
  override readonly name = 'MigrateRefusedError';
}
