export { openArchive, netChanges, type Archive, type ChangesSince, type SnapshotInfo } from './open-archive.js';
export { openSnapshot, SUPPORTED_SCHEMA_VERSIONS, type OpenSnapshotOptions, type Snapshot } from './open-snapshot.js';
