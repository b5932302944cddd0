// The notion-kb package: a typed reader of the snapshots the notion-kb command writes. The
// command itself is the `notion-kb` bin; its internals are not part of this API.
export { openArchive, openSnapshot, netChanges, SUPPORTED_SCHEMA_VERSIONS } from './reader/index.js';
export type { Archive, ChangesSince, OpenSnapshotOptions, Snapshot, SnapshotInfo } from './reader/index.js';
export { NotionKbError } from './errors.js';
// The record types are inferred from the same zod schemas the exporter writes and validates with.
export type {
  AssetRef,
  Change,
  ChangeCounts,
  Changes,
  Cover,
  DatabaseEntry,
  DatabaseRecord,
  DatabaseRow,
  DataSourceSchemaRecord,
  DateValue,
  Feed,
  FeedItem,
  FileValue,
  FormulaValue,
  Icon,
  Index,
  KnownPropertyValue,
  LatestPointer,
  Manifest,
  OptionValue,
  PageEntry,
  PageRecord,
  PropertySchema,
  PropertyType,
  PropertyValue,
  Redirects,
  RelationItem,
  Report,
  RollupValue,
  TextValue,
  UnknownPropertyValue,
  UnrenderedBlock,
  UserRef,
} from './normalise/schemas.js';
