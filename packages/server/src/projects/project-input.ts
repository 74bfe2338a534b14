import { z } from 'zod';

/** True for names Intl knows as time zones (`Asia/Shanghai`, `UTC`). */
export function isIanaTimezone(name: string): boolean {
  // Intl also accepts offsets like `+08:00` in newer ICU; those are not IANA zones.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let currencies: Set<string> | undefined;
/** True for ISO-4217 codes Intl knows (`USD`, `CNY`). */
export function isIsoCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

export const ProjectName = z.string().trim().min(1).max(100);
export const Timezone = z
  .string()
  .refine(isIanaTimezone, 'Not an IANA time zone (e.g. Asia/Shanghai, Europe/Paris, UTC).');
export const Currency = z
  .string()
  .transform((c) => c.toUpperCase())
  .refine(isIsoCurrency, 'Not an ISO-4217 currency code (e.g. USD, CNY, EUR).');
export const RetentionDays = z.number().int().min(1).max(36_500).nullable();

export const CreateProjectBody = z.strictObject({
  name: ProjectName,
  timezone: Timezone.default('UTC'),
  currency: Currency.default('USD'),
});

export const PatchProjectBody = z.strictObject({
  name: ProjectName.optional(),
  timezone: Timezone.optional(),
  currency: Currency.optional(),
  botFiltering: z.boolean().optional(),
  eventRetentionDays: RetentionDays.optional(),
});
