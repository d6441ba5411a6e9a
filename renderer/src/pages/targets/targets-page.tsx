// Targets: check a target profile's text. The profile schema and the stored targets arrive with the engine.
import { Alert, Button, Input, List, Space, Typography } from 'antd';
import { useTargetsStore } from '../../stores/targets-store';
import { useT } from '../../i18n';

export function TargetsPage() {
  const t = useT();
  const draft = useTargetsStore((state) => state.draft);
  const validation = useTargetsStore((state) => state.validation);
  const validating = useTargetsStore((state) => state.validating);
  const error = useTargetsStore((state) => state.error);
  const setDraft = useTargetsStore((state) => state.setDraft);
  const validate = useTargetsStore((state) => state.validate);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Title level={3}>{t('nav.targets')}</Typography.Title>
      <Typography.Paragraph>
        {t('targets.intro')} <Typography.Text type="secondary">{t('targets.schemaLater')}</Typography.Text>
      </Typography.Paragraph>
      <Input.TextArea
        data-testid="profile-text"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        placeholder={t('targets.placeholder')}
        autoSize={{ minRows: 10, maxRows: 30 }}
        style={{ fontFamily: 'monospace' }}
      />
      <Button type="primary" onClick={() => void validate()} loading={validating} disabled={draft.trim() === ''}>
        {t('targets.validate')}
      </Button>
      {error && <Alert type="error" showIcon title={error} />}
      {validation?.ok && (
        <Alert type="success" showIcon title={t('targets.valid', { format: validation.format.toUpperCase() })} />
      )}
      {validation?.ok && validation.caveats.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="target-caveats"
          title={t('targets.caveats')}
          description={
            <ul>
              {validation.caveats.map((caveat) => (
                <li key={caveat}>{caveat}</li>
              ))}
            </ul>
          }
        />
      )}
      {validation && !validation.ok && (
        <Alert
          type="error"
          showIcon
          title={t('targets.invalid', { count: validation.problems.length })}
          description={
            <List
              size="small"
              dataSource={validation.problems}
              renderItem={(problem) => (
                <List.Item>
                  {problem.path && <Typography.Text code>{problem.path}</Typography.Text>} {problem.message}
                </List.Item>
              )}
            />
          }
        />
      )}
    </Space>
  );
}
