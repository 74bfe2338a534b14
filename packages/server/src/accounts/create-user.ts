import { DuplicateError, type MetaStore, type User } from '@opsloop/store';
import { hashPassword } from '../auth/password.js';
import { conflict } from '../http/errors.js';

/**
 * Creates a user with a hashed password. An email already taken is a 409,
 * whatever its case.
 */
export async function createUser(
  meta: MetaStore,
  input: { email: string; name: string; password: string },
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await meta.users.create({ email: input.email, name: input.name, passwordHash });
  } catch (err) {
    if (err instanceof DuplicateError) throw conflict(`A user with email ${input.email} exists.`);
    throw err;
  }
}
