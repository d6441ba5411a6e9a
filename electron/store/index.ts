// The store room: one connection, migrations, one repository per table family.
export { openStore, DATABASE_FILE, type Store } from './database';
export { resolveDataDir, ensureDataDir } from './data-dir';
export { TargetsRepository, type TargetRecord } from './targets-repository';
export { CampaignsRepository, type CampaignRecord, type NewCampaign } from './campaigns-repository';
export { AttemptsRepository, type AttemptRecord } from './attempts-repository';
export { ClockSamplesRepository, type ClockSampleRecord } from './clock-samples-repository';
export {
  AccountsRepository,
  ACCOUNT_STATUSES,
  type AccountStatus,
  type AccountView,
  type NewAccount,
  type AccountPatch,
  type Availability,
  type LeaseFilter,
} from './accounts-repository';
export {
  SchedulesRepository,
  type ScheduleRecord,
  type ScheduleRunRecord,
  type ScheduleRunState,
  type NewSchedule,
} from './schedules-repository';
export { NotifiersRepository, type NotifierRecord } from './notifiers-repository';
export {
  IntentsRepository,
  INTENT_STATES,
  OPEN_INTENT_STATES,
  type IntentState,
  type IntentRecord,
  type IntentMark,
  type IntentCounts,
  type NewIntent,
  type LedgerBooking,
} from './intents-repository';
export { ClusterRecordsRepository, type ClusterRecordRow } from './cluster-records-repository';
export { createRecordWriter, type RecordWriter } from './record-writer';
export { storageFaultCode, writeIfStorageAllows, type StorageFault } from './storage-fault';
export { requireFreeSpace, freeBytes, DEFAULT_MIN_FREE_BYTES } from './free-space';
export {
  CaptchaRepository,
  type CaptchaVerdict,
  type NewCaptchaSample,
  type SealedCaptchaSample,
  type CaptchaSampleCounts,
} from './captcha-repository';
