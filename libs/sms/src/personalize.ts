const PLACEHOLDER = /\{\{\s*(firstName|name)\s*\}\}/g;

/**
 * `{{firstName}}` and `{{name}}` filled with the student's first and full name: the text each
 * student of a bulk send gets, and the dashboard's preview of it.
 */
export function personalize(template: string, name: string): string {
  const firstName = name.trim().split(/\s+/)[0] ?? name;
  return template.replace(PLACEHOLDER, (_match, field: string) =>
    field === 'firstName' ? firstName : name,
  );
}
