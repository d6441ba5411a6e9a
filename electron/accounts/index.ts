// The account pool: import, protect, lease, keep signed in, watch health.
export { AccountsService, type ImportReport, type PortableAccount } from './accounts-service';
export { SessionKeeper, type FreshnessAction } from './session-keeper';
export { HealthMonitor } from './health-monitor';
export type { SignInAdapter, AccountTokens, Credentials } from './sign-in';
export { browserSignIn, findBrowser, type BrowserSignInOptions } from './browser-sign-in';
export { planAccountsImport, type ImportProblem, type ImportPlan } from './csv-import';
