/** The model catalogue, the resumable downloader and the listing of installed models. */
export * from './catalogue.js';
export { pullModel, type PullOptions, type PullProgress, type PullResult } from './pull-model.js';
export * from './installed-models.js';
export { readInstallRecord, installRecordPath, type InstallRecord } from './install-record.js';
