// An account's fields beyond username and password ({{account.fields.NAME}} in a profile): plain ones shown and
// edited in place, secret ones shown by name only (a new value replaces the sealed one), added or removed one by one.
import { FIELD_NAME } from '../../../../electron/common/account-field-name';
import { Button, Checkbox, Input, Space, Typography } from 'antd';
import type { AccountViewWire } from '../../../../electron/ipc/contract';
import { useT } from '../../i18n';

export interface FieldRow {
  name: string;
  value: string;
  secret: boolean;
  /** Already on the account (its name cannot change; remove it and add another). */
  existing: boolean;
  removed: boolean;
}

export function fieldRowsOf(account: AccountViewWire): FieldRow[] {
  return [
    ...Object.entries(account.fields).map(([name, value]) => ({
      name,
      value,
      secret: false,
      existing: true,
      removed: false,
    })),
    ...account.secretFields.map((name) => ({ name, value: '', secret: true, existing: true, removed: false })),
  ];
}

export interface FieldsEdits {
  fields?: Record<string, string | null>;
  secretFields?: Record<string, string | null>;
}

/** The edits the rows ask for, or the first problem (a bad or repeated name). */
export function fieldEdits(account: AccountViewWire, rows: FieldRow[]): FieldsEdits | { problem: string } {
  const fields: Record<string, string | null> = {};
  const secretFields: Record<string, string | null> = {};
  const names = new Set<string>();
  for (const row of rows) {
    if (row.removed) {
      if (row.existing) (row.secret ? secretFields : fields)[row.name] = null;
      continue;
    }
    if (!FIELD_NAME.test(row.name)) return { problem: row.name };
    if (names.has(row.name)) return { problem: row.name };
    names.add(row.name);
    if (row.secret) {
      if (row.value !== '') secretFields[row.name] = row.value;
    } else if (!row.existing || account.fields[row.name] !== row.value) fields[row.name] = row.value;
  }
  return {
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(Object.keys(secretFields).length > 0 ? { secretFields } : {}),
  };
}

export function FieldsEditor({ rows, onChange }: { rows: FieldRow[]; onChange: (rows: FieldRow[]) => void }) {
  const t = useT();
  const change = (index: number, patch: Partial<FieldRow>): void =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <div data-testid="account-fields">
      <Typography.Text strong>{t('accounts.fields')}</Typography.Text>
      {rows.map((row, index) =>
        row.removed ? null : (
          <Space key={index} style={{ display: 'flex', marginTop: 6 }} align="center">
            <Input
              aria-label={t('accounts.fieldName')}
              placeholder={t('accounts.fieldName')}
              value={row.name}
              disabled={row.existing}
              status={row.name !== '' && !FIELD_NAME.test(row.name) ? 'error' : undefined}
              onChange={(event) => change(index, { name: event.target.value.trim() })}
              style={{ width: 130 }}
            />
            {row.secret ? (
              <Input.Password
                aria-label={t('accounts.fieldValue')}
                placeholder={row.existing ? t('accounts.secretSet') : t('accounts.fieldValue')}
                value={row.value}
                onChange={(event) => change(index, { value: event.target.value })}
                style={{ width: 150 }}
              />
            ) : (
              <Input
                aria-label={t('accounts.fieldValue')}
                placeholder={t('accounts.fieldValue')}
                value={row.value}
                onChange={(event) => change(index, { value: event.target.value })}
                style={{ width: 150 }}
              />
            )}
            <Checkbox
              checked={row.secret}
              disabled={row.existing}
              onChange={(event) => change(index, { secret: event.target.checked })}
            >
              {t('accounts.secretField')}
            </Checkbox>
            <Button size="small" onClick={() => change(index, { removed: true })}>
              {t('common.remove')}
            </Button>
          </Space>
        ),
      )}
      <div style={{ marginTop: 6 }}>
        <Button
          size="small"
          onClick={() => onChange([...rows, { name: '', value: '', secret: false, existing: false, removed: false }])}
        >
          {t('accounts.addField')}
        </Button>
      </div>
    </div>
  );
}
