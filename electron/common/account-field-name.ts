// What an account field may be called ({{account.fields.NAME}}, CSV `field:NAME`): one rule for the import, the
// contract, the template check and the console's editor.
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
export const MAX_FIELDS = 32;
