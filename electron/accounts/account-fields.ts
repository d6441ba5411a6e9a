// Account fields beyond username and password: what a target needs per account (a passenger id, a member number),
// named in profiles as {{account.fields.NAME}}. In CSV a column `field:NAME` is a plain field and `secret:NAME` one
// that is sealed at rest like the password; the console shows a secret field's name, never its value.
import { FIELD_NAME, MAX_FIELDS } from '../common/account-field-name';

export { FIELD_NAME, MAX_FIELDS };

export type FieldKind = 'field' | 'secret';

export interface FieldColumn {
  kind: FieldKind;
  name: string;
}

/** `field:passengerId` → a plain field; `secret:memberPin` → a secret one; anything else → undefined. */
export function fieldColumn(header: string): FieldColumn | undefined {
  const match = /^\s*(field|secret)\s*:\s*(.*?)\s*$/i.exec(header);
  if (!match) return undefined;
  return { kind: match[1]!.toLowerCase() as FieldKind, name: match[2]! };
}

/** Why a field name is refused, or null when it is fine. */
export function fieldNameProblem(name: string): string | null {
  if (!FIELD_NAME.test(name))
    return `'${name}' is not a field name (a letter, then letters, digits, _ or -; at most 40)`;
  return null;
}

/** The fields a template string names (`{{account.fields.passengerId}}` → `passengerId`). */
export function fieldsNamedIn(template: string): string[] {
  return [...template.matchAll(/\{\{\s*account\.fields\.([^}\s]+)\s*\}\}/g)].map((match) => match[1]!);
}

/** An account's fields for templates: the plain ones and the secret ones opened (main side only). */
export function openFields(
  plain: Record<string, string>,
  sealedSecret: Buffer | null,
  open: (sealed: Buffer) => string,
): Record<string, string> {
  return { ...plain, ...(sealedSecret ? (JSON.parse(open(sealedSecret)) as Record<string, string>) : {}) };
}

/** Every field a target profile names anywhere in its requests, sorted. */
export function fieldsNamedBy(profile: unknown): string[] {
  return [...new Set(fieldsNamedIn(JSON.stringify(profile)))].sort();
}

/** An edit of an account's fields: a value sets it, null removes it, a name not given is left as it is. */
export type FieldsEdit = Record<string, string | null>;

export function applyFieldsEdit(current: Record<string, string>, edit: FieldsEdit): Record<string, string> {
  const next = { ...current };
  for (const [name, value] of Object.entries(edit)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}
