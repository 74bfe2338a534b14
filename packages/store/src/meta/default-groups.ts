import type { GroupLine } from './types.js';

/**
 * The groups a new organisation starts with: the two lines operations teams
 * are organised in (see PRODUCT.md). They are ordinary groups, editable after.
 */
export const DEFAULT_GROUPS: readonly { readonly name: string; readonly line: GroupLine }[] = [
  { name: 'Planning', line: 'market' },
  { name: 'New media', line: 'market' },
  { name: 'Media', line: 'market' },
  { name: 'Business', line: 'market' },
  { name: 'Design', line: 'market' },
  { name: 'Data', line: 'market' },
  { name: 'Product operations', line: 'operations' },
  { name: 'User operations', line: 'operations' },
  { name: 'Activity planning', line: 'operations' },
  { name: 'Data analysis', line: 'operations' },
];
