// English strings. Keys are shared with zh-CN, which must translate every one (checked by the type of zh-CN).
export const en = {
  'app.title': 'Tminus',
  'nav.dashboard': 'Dashboard',
  'nav.campaigns': 'Campaigns',
  'nav.accounts': 'Accounts',
  'nav.targets': 'Targets',
  'nav.clock': 'Clock',
  'nav.reports': 'Reports',
  'nav.settings': 'Settings',
  'connection.connecting': 'Connecting to Tminus…',
  'connection.disconnected': 'Disconnected from Tminus. Reconnecting…',
  'connection.connected': 'Connected',
  'dashboard.about': 'This installation',
  'dashboard.version': 'Version',
  'dashboard.runtime': 'Runtime',
  'dashboard.platform': 'Platform',
  'dashboard.dataDir': 'Data directory',
  'dashboard.database': 'Database',
  'dashboard.schema': 'Schema version',
  'dashboard.onnx': 'Captcha inference (onnxruntime)',
  'dashboard.provider.available': 'available',
  'dashboard.provider.unavailable': 'not available',
  'dashboard.loadFailed': 'Could not load information about this installation: {message}',
  'page.campaigns.upcoming':
    'Campaigns will live here: create a rush (target, item, open instant, accounts, strategy), arm it, and follow its live timeline.',
  'page.accounts.upcoming':
    'The account pool will live here: import accounts from CSV, keep them signed in, see their health and lease state.',
  'page.clock.upcoming':
    'The clock will live here: the offset to each target’s server time with its error bound, drift, and “sync now”.',
  'page.reports.upcoming':
    'Reports will live here: success-rate attribution by account, endpoint, fire offset and outcome, and CSV exports.',
  'targets.intro':
    'A target profile describes a booking service without code. Paste one here to check that it is well-formed YAML or JSON.',
  'targets.schemaLater': 'Checking the profile’s fields against the profile schema comes with the engine.',
  'targets.placeholder': 'Paste a target profile (YAML or JSON)…',
  'targets.validate': 'Validate',
  'targets.valid': 'Well-formed {format}.',
  'targets.invalid': '{count} problem(s) found',
  'settings.language': 'Language',
  'settings.theme': 'Theme',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.theme.system': 'Follow system',
  'common.notYet': 'Not here yet',
} as const;

export type MessageKey = keyof typeof en;
