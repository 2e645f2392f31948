// Which files hold records (rows of a table, items of a JSON file) whose text fields can be chosen.
import { EXTENSION_FORMAT } from '../../../engine/public.ts';

export function isRecordFile(file: { name: string }): boolean {
  const dot = file.name.lastIndexOf('.');
  const format = dot > 0 ? EXTENSION_FORMAT[file.name.slice(dot).toLowerCase()] : undefined;
  return format === 'csv' || format === 'json';
}
