// Which CSV header names mean which account field (English and Chinese), matched without regard to case, spaces,
// hyphens or underscores.
export const ACCOUNT_FIELDS = [
  'username',
  'password',
  'label',
  'group',
  'priority',
  'tags',
  'notes',
  'status',
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

const ALIASES: Record<AccountField, string[]> = {
  username: ['username', 'user', 'login', 'account', '用户名', '账号', '帐号'],
  password: ['password', 'pass', 'pwd', '密码'],
  label: ['label', 'name', 'displayname', '名称', '标签名'],
  group: ['group', 'groupname', '分组', '组'],
  priority: ['priority', '优先级'],
  tags: ['tags', 'tag', '标签'],
  notes: ['notes', 'note', 'comment', 'remark', '备注'],
  status: ['status', '状态'],
};

const normalise = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

const LOOKUP = new Map<string, AccountField>(
  Object.entries(ALIASES).flatMap(([field, names]) => names.map((name) => [normalise(name), field as AccountField])),
);

export const fieldForHeader = (header: string): AccountField | undefined => LOOKUP.get(normalise(header));

/** Columns `accounts export` writes that are the pool's own statistics: read back, they are ignored, not refused. */
const STATISTICS = new Set(['attempts', 'successes', 'lastusedat', 'lastoutcome'].map(normalise));
export const isStatisticsColumn = (header: string): boolean => STATISTICS.has(normalise(header));
