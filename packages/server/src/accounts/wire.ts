import type { User } from '@opsloop/store';
import { ORG_ROLES } from '@opsloop/store';
import { z } from 'zod';

/** The public face of a user: never the password hash. */
export const UserWire = z.object({ id: z.string(), email: z.string(), name: z.string() });
export const toUserWire = (u: User) => ({ id: u.id, email: u.email, name: u.name });

export const Role = z.enum(ORG_ROLES);

/** Emails as people type them; compared case-insensitively by the store. */
export const Email = z.string().trim().max(320).pipe(z.email('Not a valid email address.'));
export const NewPassword = z
  .string()
  .min(8, 'Passwords need at least 8 characters.')
  .max(1024, 'Passwords may have at most 1024 characters.');
export const PersonName = z.string().trim().min(1).max(200);
