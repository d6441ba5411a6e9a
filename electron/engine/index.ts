// The engine room: campaigns armed, fired on time, classified, retried within limits, recorded.
export { EngineService, specHash, type EngineDeps } from './engine-service';
export type { ReconcileReport } from './reconciler';
export { CampaignRunner } from './campaign-runner';
export { CampaignSpecSchema, type CampaignSpec, type CampaignSpecInput } from './campaign-spec';
export { OperatorCaptchaSolver, DebugAnswerSolver, type CaptchaSolver } from './captcha-solver';
export { idempotencyKey } from './idempotency-key';
export type { RunSummary } from './run-summary';
