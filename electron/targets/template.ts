// Request templates: `{{name.path}}` placeholders in paths, header values and JSON strings. The variables a profile
// may name are fixed; a template naming anything else is refused when the profile is loaded, before any request.
import { FIELD_NAME } from '../common/account-field-name';
export const TEMPLATE_VARIABLES = [
  'account.id',
  'account.username',
  'account.password',
  'account.label',
  'tokens.access',
  'tokens.refresh',
  'captcha.id',
  'captcha.answer',
  'campaign.id',
  'campaign.name',
  'campaign.item',
  'campaign.openAtServerMs',
  'attempt.key',
  'attempt.retry',
  'now.serverMs',
] as const;

/** Families of variables named by the profile itself: what a matcher extracted from an earlier answer. */
export const TEMPLATE_FAMILIES = ['vars.NAME', 'account.fields.NAME'] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number] | `account.fields.${string}` | `vars.${string}`;
export type TemplateContext = Partial<Record<TemplateVariable, string | number>>;

const PLACEHOLDER = /\{\{\s*([^}\s]+)\s*\}\}/g;
const KNOWN = new Set<string>(TEMPLATE_VARIABLES);
const FAMILY = new RegExp(
  `^(vars\\.[A-Za-z_][A-Za-z0-9_-]{0,63}|account\\.fields\\.${FIELD_NAME.source.slice(1, -1)})$`,
);

export const isKnownVariable = (name: string): boolean => KNOWN.has(name) || FAMILY.test(name);

/** An account's fields as template variables (`account.fields.NAME`). */
export const fieldVariables = (fields: Record<string, string>): TemplateContext =>
  Object.fromEntries(Object.entries(fields).map(([name, value]) => [`account.fields.${name}`, value]));

/** Variables a template names that do not exist. */
export function unknownVariables(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !isKnownVariable(name));
}

export function variablesIn(template: string): TemplateVariable[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]! as TemplateVariable);
}

export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = context[name as TemplateVariable];
    if (value === undefined) throw new Error(`template variable ${name} has no value here`);
    return String(value);
  });
}

/** Renders every string inside a JSON value; a string that is exactly one placeholder keeps the value's type. */
export function renderJson(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^}\s]+)\s*\}\}$/.exec(value);
    if (whole) {
      const resolved = context[whole[1] as TemplateVariable];
      if (resolved === undefined) throw new Error(`template variable ${whole[1]} has no value here`);
      return resolved;
    }
    return renderTemplate(value, context);
  }
  if (Array.isArray(value)) return value.map((item) => renderJson(item, context));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderJson(item, context)]));
  }
  return value;
}

/** Every template string in a JSON value, with its path. */
export function templateStrings(
  value: unknown,
  path: Array<string | number>,
): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => templateStrings(item, [...path, index]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => templateStrings(item, [...path, key]));
  return [];
}
