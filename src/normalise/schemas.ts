/**
 * The published record contract of a notion-kb snapshot. These zod schemas are the single
 * source of the TypeScript record types and of the JSON Schema files shipped in every snapshot
 * (see `json-schema.ts`).
 *
 * Contract rules (consumers can rely on them):
 * - values are readable without Notion: no option ids, no annotation objects, no API envelopes;
 * - no expiring URLs: Notion-hosted files appear only as snapshot-relative `path`s;
 * - deterministic: identical workspace content gives identical JSON. Parse a record with its
 *   schema before writing it: zod emits object keys in the order declared here;
 * - every path is relative to the snapshot root, uses `/`, never starts with `/` and never
 *   contains a `..` segment;
 * - more fields may be added in later versions; our own validator (`verify`) is strict.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Dashed lower-case Notion UUID, e.g. `38c9ce7b-60a4-81a7-af53-e2ed822a1d7f`. */
export const NotionIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  .describe('Notion id as a dashed lower-case UUID.');

/** Snapshot-relative file path with `/` separators; no leading `/`, no `..` segment. */
export const SnapshotPathSchema = z
  .string()
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\\]+$/)
  .describe('Path relative to the snapshot root, "/" separated, never absolute, never containing "..".');

/** ISO 8601 timestamp as Notion sends it (usually minute-rounded UTC). */
export const TimestampSchema = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 timestamp in UTC with milliseconds ("2024-01-09T21:36:54.417Z"; Notion usually rounds to the minute). Older snapshots may hold an offset ("+00:00").');

/** Hex SHA-256 digest. */
export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .describe('Lower-case hex SHA-256 of the file bytes.');

const ByteCountSchema = z.int().nonnegative().describe('Size in bytes.');

/** A Notion user, bot or group as far as the export knows it. */
export const UserRefSchema = z
  .strictObject({
    id: NotionIdSchema,
    name: z.string().nullable().describe('Display name; null when the user is not known to the integration (e.g. removed from the workspace).'),
    type: z
      .enum(['person', 'bot', 'group'])
      .nullable()
      .describe('Kind of principal; null when unknown. "group" appears only in people properties.'),
    email: z.string().nullable().optional().describe('E-mail of a person, when the integration may read it.'),
  })
  .describe('Reference to a Notion user, bot or group.')
  .meta({ id: 'UserRef' });
export type UserRef = z.infer<typeof UserRefSchema>;

/** A file stored in the snapshot under its content hash. */
export const AssetRefSchema = z
  .strictObject({
    path: SnapshotPathSchema.describe('Snapshot-relative path of the stored file, e.g. "assets/<sha256>.png".'),
    sha256: Sha256Schema,
    bytes: ByteCountSchema,
    mimeType: z.string().describe('MIME type, e.g. "image/png".'),
  })
  .describe('A file stored in the snapshot.')
  .meta({ id: 'AssetRef' });
export type AssetRef = z.infer<typeof AssetRefSchema>;

/** One file of a `files` property or a media block. */
export const FileValueSchema = z
  .strictObject({
    name: z.string().describe('File name as shown in Notion.'),
    source: z
      .enum(['notion', 'external', 'file_upload'])
      .describe('"notion": uploaded in the Notion app; "file_upload": uploaded through the API; "external": a link to a file elsewhere.'),
    path: SnapshotPathSchema.nullable().describe('Snapshot-relative path of the downloaded copy; null when not downloaded.'),
    url: z
      .string()
      .nullable()
      .describe('Only for external files: the link as entered in Notion. Never a Notion-hosted (expiring) URL.'),
    sha256: Sha256Schema.optional(),
    bytes: ByteCountSchema.optional(),
    mimeType: z.string().optional().describe('MIME type of the downloaded copy.'),
    error: z.string().optional().describe('Why the file could not be downloaded; absent when it was.'),
  })
  .superRefine((file, ctx) => {
    // A Notion-hosted URL expires within the hour; publishing one would be a dead link.
    if (file.source !== 'external' && file.url !== null) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `url must be null for a ${file.source} file (Notion-hosted URLs expire)` });
    }
  })
  .describe('A file of a files property or media block.')
  .meta({ id: 'FileValue' });
export type FileValue = z.infer<typeof FileValueSchema>;

/** A date or date range. */
export const DateValueSchema = z
  .strictObject({
    start: z.string().describe('ISO 8601 date ("2025-03-01"), or date-time in UTC with milliseconds ("2025-03-01T16:30:00.000Z"; the zone it was entered in is `timeZone`).'),
    end: z.string().nullable().describe('End of a range, same format as start; null for a single date.'),
    timeZone: z.string().nullable().describe('IANA time zone the date-times were entered in, or null.'),
  })
  .describe('A date or a date range.')
  .meta({ id: 'DateValue' });
export type DateValue = z.infer<typeof DateValueSchema>;

/** Rich text in two readable forms. */
export const TextValueSchema = z
  .strictObject({
    text: z.string().describe('Plain text (mentions as their displayed text).'),
    markdown: z
      .string()
      .describe(
        'Markdown as the page bodies have it (one renderer for both): bold, italic, strikethrough, underline (<u>), inline code, inline equations ($…$), links and mentions; line breaks are hard breaks (backslash). Links to exported pages and downloaded files are snapshot-relative, URL-encoded paths; rebase them when embedding.',
      ),
  })
  .describe('Rich text as plain text and as Markdown.')
  .meta({ id: 'TextValue' });
export type TextValue = z.infer<typeof TextValueSchema>;

/** A select / status / multi-select option as a reader sees it. */
export const OptionValueSchema = z
  .strictObject({
    name: z.string(),
    color: z.string().describe('Notion colour name, e.g. "default", "red".'),
  })
  .describe('A select, multi-select or status option.')
  .meta({ id: 'OptionValue' });
export type OptionValue = z.infer<typeof OptionValueSchema>;

/** A related page. */
export const RelationItemSchema = z
  .strictObject({
    id: NotionIdSchema,
    path: SnapshotPathSchema.nullable().describe('Markdown file of the related page; null when it is outside the export.'),
  })
  .describe('A related page.')
  .meta({ id: 'RelationItem' });
export type RelationItem = z.infer<typeof RelationItemSchema>;

// ---------------------------------------------------------------------------------------------
// Property values

/** Every property type of API 2025-09-03, in the order the docs list them. */
export const PROPERTY_TYPES = [
  'title',
  'rich_text',
  'number',
  'select',
  'multi_select',
  'status',
  'date',
  'people',
  'files',
  'checkbox',
  'url',
  'email',
  'phone_number',
  'formula',
  'relation',
  'rollup',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'unique_id',
  'verification',
  'button',
  'place',
] as const;
/** A property type this version of notion-kb understands. */
export type PropertyType = (typeof PROPERTY_TYPES)[number];

const valueOf = <T extends PropertyType, V extends z.ZodType>(type: T, value: V, description: string) =>
  z.strictObject({ type: z.literal(type), value }).describe(description);

const FormulaValueSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('string'), value: z.string().nullable() }),
    z.strictObject({ type: z.literal('number'), value: z.number().nullable() }),
    z.strictObject({ type: z.literal('boolean'), value: z.boolean().nullable() }),
    z.strictObject({ type: z.literal('date'), value: DateValueSchema.nullable() }),
    z.strictObject({ type: z.literal('unsupported'), value: z.null() }).describe('Notion could not compute the formula through the API.'),
  ])
  .describe('Result of a formula, typed by the formula result type.');

/** A readable property value, discriminated by `type`; the `unknown` fallback keeps what this version cannot read. */
export const KnownPropertyValueSchema: z.ZodType<KnownPropertyValue> = z
  .discriminatedUnion('type', [
    valueOf('title', TextValueSchema, 'Title of the page.'),
    valueOf('rich_text', TextValueSchema, 'Rich text.'),
    valueOf('number', z.number().nullable(), 'Number, null when empty.'),
    valueOf('select', OptionValueSchema.nullable(), 'Selected option, null when empty.'),
    valueOf('multi_select', z.array(OptionValueSchema), 'Selected options in Notion order.'),
    valueOf('status', OptionValueSchema.nullable(), 'Status option, null when empty.'),
    valueOf('date', DateValueSchema.nullable(), 'Date or range, null when empty.'),
    valueOf('people', z.array(UserRefSchema), 'People, bots or groups.'),
    valueOf('files', z.array(FileValueSchema), 'Files; Notion-hosted ones point to their downloaded copy.'),
    valueOf('checkbox', z.boolean(), 'Checkbox state.'),
    valueOf('url', z.string().nullable(), 'URL, null when empty.'),
    valueOf('email', z.string().nullable(), 'E-mail address, null when empty.'),
    valueOf('phone_number', z.string().nullable(), 'Phone number as entered, null when empty.'),
    valueOf('formula', FormulaValueSchema, 'Formula result.'),
    valueOf('relation', z.array(RelationItemSchema), 'Related pages (complete, not cut at 25).'),
    z
      .strictObject({
        type: z.literal('rollup'),
        get value() {
          return RollupValueSchema;
        },
      })
      .describe('Rollup result.'),
    valueOf('created_time', TimestampSchema, 'When the page was created.'),
    valueOf('created_by', UserRefSchema, 'Who created the page.'),
    valueOf('last_edited_time', TimestampSchema, 'When the page was last edited.'),
    valueOf('last_edited_by', UserRefSchema, 'Who last edited the page.'),
    valueOf(
      'unique_id',
      z.strictObject({
        prefix: z.string().nullable(),
        number: z.int().nullable(),
        text: z.string().nullable().describe('Display form, e.g. "MAG-12" or "12"; null when Notion has no number.'),
      }),
      'Auto-incremented id.',
    ),
    valueOf(
      'verification',
      z
        .strictObject({
          state: z.enum(['verified', 'expired', 'unverified']),
          verifiedBy: UserRefSchema.nullable(),
          date: DateValueSchema.nullable().describe('When the verification started and, if set, expires.'),
        })
        .nullable(),
      'Wiki page verification.',
    ),
    valueOf('button', z.null(), 'A button property has no value.'),
    valueOf(
      'place',
      z
        .strictObject({
          lat: z.number(),
          lon: z.number(),
          name: z.string().nullable(),
          address: z.string().nullable(),
          googlePlaceId: z.string().nullable(),
          awsPlaceId: z.string().nullable(),
        })
        .nullable(),
      'A place on a map, null when empty.',
    ),
  ])
  .meta({ id: 'KnownPropertyValue' });

/** Result of a rollup; `array` items are themselves property values (without the rollup's own id). */
export const RollupValueSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('number'), function: z.string(), value: z.number().nullable() }),
    z.strictObject({ type: z.literal('date'), function: z.string(), value: DateValueSchema.nullable() }),
    z.strictObject({
      type: z.literal('array'),
      function: z.string(),
      get value(): z.ZodArray<typeof PropertyValueSchema> {
        return z.array(PropertyValueSchema);
      },
    }),
    z.strictObject({ type: z.literal('unsupported'), function: z.string(), value: z.null() }),
  ])
  .describe('Rollup result; "function" is the Notion aggregation, e.g. "count", "max", "show_original".')
  .meta({ id: 'RollupValue' });
export type RollupValue =
  | { type: 'number'; function: string; value: number | null }
  | { type: 'date'; function: string; value: DateValue | null }
  | { type: 'array'; function: string; value: PropertyValue[] }
  | { type: 'unsupported'; function: string; value: null };

/** A value this version of notion-kb cannot read, kept verbatim. */
export const UnknownPropertyValueSchema = z
  .strictObject({
    type: z.string().describe('Notion property type as reported.'),
    unknown: z.literal(true),
    raw: z.unknown().describe('The property value exactly as the Notion API returned it.'),
  })
  .describe('A property value of a type (or shape) this notion-kb version does not know; kept verbatim.')
  .meta({ id: 'UnknownPropertyValue' });
export type UnknownPropertyValue = z.infer<typeof UnknownPropertyValueSchema>;

/** A value left out by the privacy rules (config `privacy.redactPropertyTypes` / `redactProperties`). */
export const RedactedPropertyValueSchema = z
  .strictObject({
    type: z.string().describe('Notion property type.'),
    value: z.null(),
    redacted: z.literal(true),
  })
  .describe('A property value redacted by the privacy rules: nothing of it is in the snapshot.')
  .meta({ id: 'RedactedPropertyValue' });
export type RedactedPropertyValue = z.infer<typeof RedactedPropertyValueSchema>;

/** Any property value: known (typed), the verbatim fallback, or redacted. */
export const PropertyValueSchema = z
  .union([KnownPropertyValueSchema, UnknownPropertyValueSchema, RedactedPropertyValueSchema])
  .meta({ id: 'PropertyValue' });

type V<T extends PropertyType, X> = { type: T; value: X };
/** Union of all readable property values, discriminated by `type`. */
export type KnownPropertyValue =
  | V<'title', TextValue>
  | V<'rich_text', TextValue>
  | V<'number', number | null>
  | V<'select', OptionValue | null>
  | V<'multi_select', OptionValue[]>
  | V<'status', OptionValue | null>
  | V<'date', DateValue | null>
  | V<'people', UserRef[]>
  | V<'files', FileValue[]>
  | V<'checkbox', boolean>
  | V<'url', string | null>
  | V<'email', string | null>
  | V<'phone_number', string | null>
  | V<'formula', z.infer<typeof FormulaValueSchema>>
  | V<'relation', RelationItem[]>
  | V<'rollup', RollupValue>
  | V<'created_time', string>
  | V<'created_by', UserRef>
  | V<'last_edited_time', string>
  | V<'last_edited_by', UserRef>
  | V<'unique_id', { prefix: string | null; number: number | null; text: string | null }>
  | V<'verification', { state: 'verified' | 'expired' | 'unverified'; verifiedBy: UserRef | null; date: DateValue | null } | null>
  | V<'button', null>
  | V<'place', { lat: number; lon: number; name: string | null; address: string | null; googlePlaceId: string | null; awsPlaceId: string | null } | null>;
/** Any property value; test `'unknown' in value` and `'redacted' in value` before switching on `type` (both keep Notion's type name). */
export type PropertyValue = KnownPropertyValue | UnknownPropertyValue | RedactedPropertyValue;
/** Result of a formula. */
export type FormulaValue = z.infer<typeof FormulaValueSchema>;

const PropertiesSchema = z
  .record(z.string(), PropertyValueSchema)
  .describe('Property values by property name (title property first, then by name).');

// ---------------------------------------------------------------------------------------------
// Data source schemas

const OptionConfigSchema = z.strictObject({
  name: z.string(),
  color: z.string(),
  description: z.string().nullable(),
});

const propertyConfig = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({
    id: z.string().describe('Notion property id (URL-encoded, as the API returns it).'),
    type: z.literal(type),
    description: z.string().nullable(),
    ...shape,
  });

const PLAIN_CONFIG_TYPES = [
  'title',
  'rich_text',
  'date',
  'people',
  'files',
  'checkbox',
  'url',
  'email',
  'phone_number',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'verification',
  'button',
  'place',
] as const satisfies readonly PropertyType[];

/** The schema of one property of a data source, with its readable configuration. */
export const KnownPropertySchemaSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({ id: z.string(), type: z.enum(PLAIN_CONFIG_TYPES), description: z.string().nullable() })
      .describe('A property type without configuration.'),
    propertyConfig('number', { format: z.string().describe('Display format, e.g. "number", "dollar", "percent".') }),
    propertyConfig('select', { options: z.array(OptionConfigSchema) }),
    propertyConfig('multi_select', { options: z.array(OptionConfigSchema) }),
    propertyConfig('status', {
      options: z.array(OptionConfigSchema),
      groups: z
        .array(z.strictObject({ name: z.string(), color: z.string(), options: z.array(z.string()).describe('Option names in this group.') }))
        .describe('Status groups (e.g. To-do, In progress, Complete).'),
    }),
    propertyConfig('formula', {
      expression: z.string().describe('Formula with property references written as prop("Name").'),
      rawExpression: z.string().describe('Formula exactly as Notion stores it.'),
    }),
    propertyConfig('relation', {
      dataSourceId: NotionIdSchema,
      databaseId: NotionIdSchema,
      kind: z.enum(['single', 'dual']).describe('"dual": the related data source has a synced back-relation.'),
      syncedPropertyName: z.string().nullable().describe('Name of the back-relation on the related data source (dual only).'),
      syncedPropertyId: z.string().nullable(),
    }),
    propertyConfig('rollup', {
      function: z.string(),
      relationPropertyName: z.string(),
      relationPropertyId: z.string(),
      rollupPropertyName: z.string().describe('Property of the related data source being rolled up.'),
      rollupPropertyId: z.string(),
    }),
    propertyConfig('unique_id', { prefix: z.string().nullable() }),
  ])
  .meta({ id: 'KnownPropertySchema' });

/** A property configuration this version cannot read, kept verbatim. */
export const UnknownPropertySchemaSchema = z
  .strictObject({ id: z.string(), type: z.string(), description: z.string().nullable(), unknown: z.literal(true), raw: z.unknown() })
  .meta({ id: 'UnknownPropertySchema' });

/** Any property configuration of a data source. */
export const PropertySchemaSchema = z.union([KnownPropertySchemaSchema, UnknownPropertySchemaSchema]).meta({ id: 'PropertySchema' });
export type PropertySchema = z.infer<typeof PropertySchemaSchema>;

/** The schema of a data source (a table of a database). */
export const DataSourceSchemaRecordSchema = z
  .strictObject({
    id: NotionIdSchema,
    name: z.string().describe('Data source title (plain text).'),
    properties: z.record(z.string(), PropertySchemaSchema).describe('Property configuration by property name (title first, then by name).'),
  })
  .meta({ id: 'DataSourceSchemaRecord' });
export type DataSourceSchemaRecord = z.infer<typeof DataSourceSchemaRecordSchema>;

// ---------------------------------------------------------------------------------------------
// Pages

const FileImageSchema = z.strictObject({
  type: z.literal('file'),
  path: SnapshotPathSchema.nullable().describe('Downloaded copy; null when it could not be downloaded.'),
  sha256: Sha256Schema.optional(),
  bytes: ByteCountSchema.optional(),
  mimeType: z.string().optional(),
  error: z.string().optional().describe('Why the file could not be downloaded.'),
});
const ExternalImageSchema = z.strictObject({
  type: z.literal('external'),
  url: z.string(),
  path: SnapshotPathSchema.nullable().optional().describe('Downloaded copy, when the export downloads external images.'),
});

/** Page or database icon. */
export const IconSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('emoji'), emoji: z.string() }),
    FileImageSchema,
    ExternalImageSchema,
    z.strictObject({
      type: z.literal('custom_emoji'),
      name: z.string(),
      path: SnapshotPathSchema.nullable().describe('Downloaded emoji image; null when it could not be had.'),
    }),
    z.strictObject({ type: z.literal('icon'), name: z.string(), color: z.string() }).describe('Notion built-in icon.'),
  ])
  .nullable()
  .describe('Icon, or null.')
  .meta({ id: 'Icon' });
export type Icon = z.infer<typeof IconSchema>;

/** Page or database cover image. */
export const CoverSchema = z.discriminatedUnion('type', [FileImageSchema, ExternalImageSchema]).nullable().describe('Cover image, or null.').meta({ id: 'Cover' });
export type Cover = z.infer<typeof CoverSchema>;

/** An entry of index.json `pages`. */
export const PageEntrySchema = z
  .strictObject({
    id: NotionIdSchema,
    title: z.string().describe('Plain-text title.'),
    path: SnapshotPathSchema.describe('The Markdown file.'),
    record: SnapshotPathSchema.describe('The JSON record file.'),
    parentId: NotionIdSchema.nullable().describe('Parent page, database or block id; null at the workspace root.'),
    databaseId: NotionIdSchema.nullable().describe('Database this page is a row of, or null.'),
    url: z.string().describe('The page URL in Notion (stops working once the workspace is gone).'),
    createdTime: TimestampSchema,
    lastEditedTime: TimestampSchema,
  })
  .meta({ id: 'PageEntry' });
export type PageEntry = z.infer<typeof PageEntrySchema>;

/** A block the Markdown renderer could not express, kept verbatim. */
export const UnrenderedBlockSchema = z
  .strictObject({
    blockId: NotionIdSchema,
    type: z.string().describe('Notion block type.'),
    reason: z.string(),
    raw: z.unknown().describe('The block as the API returned it.'),
  })
  .meta({ id: 'UnrenderedBlock' });
export type UnrenderedBlock = z.infer<typeof UnrenderedBlockSchema>;

/** One comment of a discussion. */
export const CommentSchema = z
  .strictObject({
    id: NotionIdSchema,
    author: UserRefSchema.describe('Who wrote it (the user or bot of created_by).'),
    displayName: z
      .string()
      .nullable()
      .describe('The name Notion shows on the comment (a person, an integration or a custom name); null when Notion gives none.'),
    createdTime: TimestampSchema,
    lastEditedTime: TimestampSchema,
    text: TextValueSchema,
    attachments: z
      .array(z.strictObject({ category: z.string().describe('audio, image, pdf, productivity or video.'), name: z.string() }))
      .describe('Files attached to the comment: named, not downloaded.'),
  })
  .meta({ id: 'Comment' });
export type Comment = z.infer<typeof CommentSchema>;

/** A discussion thread: the comments that answer each other, on the page or on one block. */
export const DiscussionSchema = z
  .strictObject({
    id: NotionIdSchema.describe("Notion's discussion_id."),
    parent: z
      .strictObject({ type: z.enum(['page', 'block']), id: NotionIdSchema })
      .describe('What the discussion is attached to: the page itself, or one of its blocks.'),
    comments: z.array(CommentSchema).describe('Oldest first.'),
  })
  .meta({ id: 'Discussion' });
export type Discussion = z.infer<typeof DiscussionSchema>;

/** The JSON record of one page (the page's `record` file). Trashed pages are not exported. */
export const PageRecordSchema = PageEntrySchema.extend({
  icon: IconSchema,
  cover: CoverSchema,
  properties: PropertiesSchema,
  links: z.array(NotionIdSchema).describe('Ids of pages and databases this page links to or mentions (sorted, unique).'),
  assets: z.array(AssetRefSchema).describe('Files stored for this page (blocks, icon, cover, files properties).'),
  plainText: z.string().describe('Text content of the page, for search indexes.'),
  unrendered: z.array(UnrenderedBlockSchema).describe('Blocks that have no Markdown form, kept verbatim.'),
  authors: z.strictObject({ createdBy: UserRefSchema, lastEditedBy: UserRefSchema }),
  discussions: z
    .array(DiscussionSchema)
    .optional()
    .describe(
      'Unresolved comment threads on the page and its blocks (page-level first, then in block order). Present only when comments were exported (`content.comments: true` and the "Read comments" capability); [] when the page has none.',
    ),
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .describe('Digest of what was fetched for the page (its properties, block tree and exported comments, not the run): equal digests mean unchanged content.'),
}).meta({ id: 'PageRecord' });
export type PageRecord = z.infer<typeof PageRecordSchema>;

// ---------------------------------------------------------------------------------------------
// Databases

/** An entry of index.json `databases`. */
export const DatabaseEntrySchema = z
  .strictObject({
    id: NotionIdSchema,
    title: z.string(),
    path: SnapshotPathSchema.describe('The database JSON record file.'),
    csv: SnapshotPathSchema.nullable().describe('The CSV file of the first data source; null for a linked view without data sources.'),
    dataSources: z.array(z.strictObject({ id: NotionIdSchema, name: z.string(), csv: SnapshotPathSchema.describe("The data source's CSV file.") })),
    rowIds: z.array(NotionIdSchema).describe('Ids of all rows, over all data sources.'),
    parentId: NotionIdSchema.nullable(),
    url: z.string(),
    isInline: z.boolean(),
    linkedView: z
      .boolean()
      .describe('True for a linked view of another database: the API gives it no data sources, so it has no rows here; the source database, if shared, is exported on its own.'),
  })
  .meta({ id: 'DatabaseEntry' });
export type DatabaseEntry = z.infer<typeof DatabaseEntrySchema>;

/** A row of a data source inside a database record. */
export const DatabaseRowSchema = z
  .strictObject({
    id: NotionIdSchema,
    title: z.string(),
    path: SnapshotPathSchema.describe('The row page Markdown file.'),
    record: SnapshotPathSchema.describe('The row page JSON record.'),
    properties: PropertiesSchema,
  })
  .meta({ id: 'DatabaseRow' });
export type DatabaseRow = z.infer<typeof DatabaseRowSchema>;

/** The JSON record of one database (the entry's `path`). */
export const DatabaseRecordSchema = DatabaseEntrySchema.extend({
  description: z.string().describe('Database description (plain text).'),
  icon: IconSchema,
  cover: CoverSchema,
  createdTime: TimestampSchema,
  lastEditedTime: TimestampSchema,
  dataSources: z.array(
    z.strictObject({
      id: NotionIdSchema,
      name: z.string(),
      csv: SnapshotPathSchema.describe("The data source's CSV file."),
      schema: DataSourceSchemaRecordSchema.shape.properties,
      rows: z.array(DatabaseRowSchema),
    }),
  ),
}).meta({ id: 'DatabaseRecord' });
export type DatabaseRecord = z.infer<typeof DatabaseRecordSchema>;

// ---------------------------------------------------------------------------------------------
// Snapshot files

/** index.json: what the snapshot contains. */
export const IndexSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    snapshotId: z.string(),
    createdAt: TimestampSchema.describe('When the export started.'),
    pages: z.array(PageEntrySchema),
    databases: z.array(DatabaseEntrySchema),
    backlinks: z.record(NotionIdSchema, z.array(NotionIdSchema)).describe('What links here: target id → ids of pages linking to it.'),
  })
  .meta({ id: 'Index' });
export type Index = z.infer<typeof IndexSchema>;

/** manifest.json: every file of the snapshot with its hash. */
export const ManifestSchema = z
  .strictObject({
    files: z.array(z.strictObject({ path: SnapshotPathSchema, sha256: Sha256Schema, bytes: ByteCountSchema })),
  })
  .meta({ id: 'Manifest' });
export type Manifest = z.infer<typeof ManifestSchema>;

/** latest.json: pointer to the newest complete snapshot. */
export const LatestPointerSchema = z
  .strictObject({ snapshotId: z.string(), path: z.string().describe('Snapshot directory, relative to the archive root.') })
  .meta({ id: 'LatestPointer' });
export type LatestPointer = z.infer<typeof LatestPointerSchema>;

const IssueTargetShape = { pageId: NotionIdSchema.optional(), blockId: NotionIdSchema.optional() };

const AuditPageShape = {
  id: NotionIdSchema,
  path: SnapshotPathSchema.describe('Its Markdown file in this snapshot.'),
};

/**
 * report.json `audit`: a full run checks what the incremental runs built. Every page that was
 * not edited since the previous snapshot must come out the same, apart from values Notion
 * changes without an edit (formulas, rollups, comments), which are listed on their own.
 */
export const AuditSchema = z
  .strictObject({
    from: z.string().describe('The snapshot compared with: the latest one before this run.'),
    compared: z
      .int()
      .nonnegative()
      .describe(
        "Pages compared: in both snapshots with the same lastEditedTime, last edited before the minute the previous snapshot's run started (Notion rounds edit times down to the minute, so a later edit may not show), fetched whole by both runs, and not among the pages an incremental run fetches again anyway (those showing an edited synced block).",
      ),
    differed: z
      .array(z.strictObject({ ...AuditPageShape, previousPath: SnapshotPathSchema.describe('Its Markdown file in the previous snapshot.') }))
      .describe('Pages not edited whose content differed from the previous snapshot beyond formulas, rollups and comments: the archive had drifted (each is an `incremental_drift` warning too; this snapshot has the current content). Expected: none.'),
    contextOnly: z
      .int()
      .nonnegative()
      .describe('Pages whose files differ while what was fetched of them is the same (same digest): what changed is around them (a linked page\'s title or path, a person\'s name, a file, the settings). Not drift.'),
    formulaRollupChanges: z
      .array(z.strictObject({ ...AuditPageShape, properties: z.array(z.string()).describe('Names of the formula and rollup properties whose values changed.') }))
      .describe('Pages not edited whose formula or rollup values changed (a formula over now(), a rollup over other pages): expected, not drift.'),
    commentChanges: z.array(z.strictObject(AuditPageShape)).describe('Pages not edited whose comments changed: expected, not drift.'),
  })
  .meta({ id: 'Audit' });
export type Audit = z.infer<typeof AuditSchema>;

/** report.json: what the run did, and everything that did not survive. */
export const ReportSchema = z
  .strictObject({
    snapshotId: z.string(),
    startedAt: TimestampSchema,
    finishedAt: TimestampSchema,
    durationMs: z.int().nonnegative(),
    complete: z
      .boolean()
      .describe(
        'True when every page, database and file was exported (exit code 0). Blocks without a Markdown form do not count: they are kept raw in the page records and listed in `unrendered`.',
      ),
    counts: z.strictObject({
      pages: z.int().nonnegative(),
      databases: z.int().nonnegative(),
      dataSources: z.int().nonnegative(),
      rows: z.int().nonnegative(),
      blocks: z.int().nonnegative(),
      assets: z.int().nonnegative(),
      assetBytes: z.int().nonnegative(),
      pagesReused: z.int().nonnegative().optional().describe('Pages taken from the page cache of the previous sync instead of being fetched (incremental runs).'),
      filesLinked: z.int().nonnegative().optional().describe('Files identical to the previous snapshot\'s, stored as hard links to them.'),
      pagesRendered: z
        .int()
        .nonnegative()
        .optional()
        .describe(
          "Pages whose files this run rendered. The others (pages − pagesRendered) were taken from the previous snapshot as they are: their fetched content, paths and everything they show (titles and paths of the pages they link to, users, files) were unchanged.",
        ),
      databasesRendered: z
        .int()
        .nonnegative()
        .optional()
        .describe('Databases whose JSON, CSV and overview this run rendered; the others (none of their rows, their schema or what they show changed) were taken from the previous snapshot.'),
    }),
    mode: z
      .enum(['full', 'incremental'])
      .optional()
      .describe('full: everything was fetched; incremental: only what changed since the previous snapshot (the rest came from the page cache).'),
    requests: z.strictObject({
      total: z.int().nonnegative(),
      byRoute: z.record(z.string(), z.int().nonnegative()).describe('Requests by route, e.g. "GET /v1/blocks/{id}/children".'),
      retries: z.int().nonnegative(),
      rateLimited: z.int().nonnegative(),
      waitedMs: z.int().nonnegative(),
      saved: z
        .int()
        .nonnegative()
        .optional()
        .describe('Requests the previous snapshot saved: what fetching the pages and row lists taken from it again would have cost, as counted when they were fetched.'),
      rate: z
        .strictObject({
          mode: z.enum(['fixed', 'auto']).describe('fixed: requests.rate was a number; auto: the budget was learnt from Notion\'s answers.'),
          perSecond: z
            .number()
            .nonnegative()
            .nullable()
            .describe('The pace at the end of the run, in requests per second; null when auto never reached a limit (nothing held it back but the concurrency).'),
          budgetPerMinute: z
            .int()
            .nonnegative()
            .nullable()
            .describe("auto: the connection's budget per 60-second window it found; null when the run never reached it (fixed: always null)."),
          workspaceLimitHit: z
            .boolean()
            .describe("A 429 was about Notion's per-workspace limit, shared by all of the workspace's integrations (auto then slowed down for the rest of the run)."),
          busiestMinute: z.int().nonnegative().describe('Most requests Notion accepted within any 60 seconds of the run.'),
          reasons: z
            .record(z.string(), z.int().nonnegative())
            .describe('429s by additional_data.rate_limit_reason ("none" when the answer named no reason).'),
        })
        .optional()
        .describe("How the run was paced and what it learnt of Notion's rate limits."),
    }),
    warnings: z.array(z.strictObject({ code: z.string(), message: z.string(), ...IssueTargetShape })),
    failures: z.array(z.strictObject({ code: z.string(), message: z.string(), ...IssueTargetShape, databaseId: NotionIdSchema.optional() })),
    unrendered: z.array(z.strictObject({ pageId: NotionIdSchema, blockId: NotionIdSchema, type: z.string(), reason: z.string() })),
    unresolvedLinks: z.array(z.strictObject({ pageId: NotionIdSchema, target: z.string(), url: z.string() })),
    assetFailures: z.array(z.strictObject({ pageId: NotionIdSchema, blockId: NotionIdSchema.optional(), key: z.string(), reason: z.string() })),
    changes: z
      .strictObject({
        from: z.string().nullable().describe('The snapshot compared with (the previous latest); null on a first run.'),
        added: z.int().nonnegative(),
        updated: z.int().nonnegative(),
        moved: z.int().nonnegative(),
        renamed: z.int().nonnegative(),
        removed: z.int().nonnegative(),
      })
      .optional()
      .describe('How many pages and databases changed since the previous snapshot; the lists are in changes.json.'),
    privacy: z
      .strictObject({
        excludedPages: z.int().nonnegative().describe('Pages (and database rows) left out by privacy.excludePages / excludeWhere, with everything under them.'),
        excludedDatabases: z.int().nonnegative().describe('Databases left out.'),
        redactedValues: z.int().nonnegative().describe('Property values redacted in the exported pages.'),
        hiddenFromChanges: z
          .int()
          .nonnegative()
          .describe('Pages and databases of the previous snapshot that are now left out: not listed in changes.json, counted here only.'),
        requestsSaved: z
          .int()
          .nonnegative()
          .optional()
          .describe(
            'Requests not made because the rules left pages out: what fetching them would have taken at least (one for each left-out page, one more for its comments with content.comments, two for each left-out database). Present with excludePages or excludeWhere.',
          ),
        requestsSpent: z
          .int()
          .nonnegative()
          .optional()
          .describe('Requests made only to apply the rules: the search listing before a full crawl, and parents retrieved to tell where a page sits. Present with excludePages or excludeWhere.'),
      })
      .optional()
      .describe('What the privacy rules (config `privacy`) left out, as counts only; absent when no rule is set.'),
    audit: AuditSchema.optional().describe('The self-audit of a full run against the previous snapshot; absent on incremental runs, on a first run, and when the previous snapshot was made with other settings (roots, files, privacy rules) or by another notion-kb version and no page cache describes it.'),
  })
  .meta({ id: 'Report' });
export type Report = z.infer<typeof ReportSchema>;

// ---------------------------------------------------------------------------------------------
// History: what changed between two snapshots

/** One page or database that changed between two snapshots. */
export const ChangeSchema = z
  .strictObject({
    kind: z.enum(['page', 'database']),
    id: NotionIdSchema,
    title: z.string().describe('Title in the newer snapshot (in the older one for a removed page or database).'),
    oldTitle: z.string().nullable().describe('Title in the older snapshot; null when added.'),
    path: SnapshotPathSchema.nullable().describe('Markdown file (page) or JSON record (database) in the newer snapshot; null when removed.'),
    oldPath: SnapshotPathSchema.nullable().describe('The same in the older snapshot; null when added.'),
  })
  .meta({ id: 'Change' });
export type Change = z.infer<typeof ChangeSchema>;

/** The change counts of changes.json (and of report.json `changes`). */
export const ChangeCountsSchema = z.strictObject({
  added: z.int().nonnegative(),
  updated: z.int().nonnegative(),
  moved: z.int().nonnegative(),
  renamed: z.int().nonnegative(),
  removed: z.int().nonnegative(),
});
export type ChangeCounts = z.infer<typeof ChangeCountsSchema>;

/** changes.json: what changed since the previous snapshot. */
export const ChangesSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    from: z.string().nullable().describe('The older snapshot id; null when there was none (everything is added).'),
    to: z.string().describe('The newer snapshot id.'),
    counts: ChangeCountsSchema,
    added: z.array(ChangeSchema),
    updated: z.array(ChangeSchema).describe('Content changed: the page digest (or the database record, less its paths) differs.'),
    moved: z.array(ChangeSchema).describe('Parent or path changed (an ancestor moved or renamed moves its descendants too).'),
    renamed: z.array(ChangeSchema).describe('Title changed. One page can be updated, moved and renamed at once.'),
    removed: z.array(ChangeSchema),
  })
  .meta({ id: 'Changes' });
export type Changes = z.infer<typeof ChangesSchema>;

/** redirects.json: old snapshot path → new snapshot path of every file of a moved or renamed page or database. */
export const RedirectsSchema = z
  .record(SnapshotPathSchema, SnapshotPathSchema)
  .describe('Old path → new path (Markdown, JSON record and CSV files of moved or renamed pages and databases); {} when none.')
  .meta({ id: 'Redirects' });
export type Redirects = z.infer<typeof RedirectsSchema>;

// ---------------------------------------------------------------------------------------------
// feed.json: the pages added or updated in a snapshot, as a JSON Feed 1.1

/** One page of feed.json. */
export const FeedItemSchema = z
  .strictObject({
    id: z.string().describe('`<page id>@<digest>`: the same page and content always give the same id.'),
    url: SnapshotPathSchema.describe("The page's Markdown file, relative to the snapshot root (where feed.json is)."),
    title: z.string(),
    summary: z.string().describe('The first words of the page text (at most 200 characters).'),
    content_text: z.string().describe('The same as summary (JSON Feed requires a content field).'),
    date_published: TimestampSchema.describe("The page's creation time in Notion."),
    date_modified: TimestampSchema.describe("The page's last edit time in Notion."),
    _notion_kb: z.strictObject({ pageId: NotionIdSchema, change: z.enum(['added', 'updated']) }).describe('Why the page is in this feed.'),
  })
  .meta({ id: 'FeedItem' });
export type FeedItem = z.infer<typeof FeedItemSchema>;

/** feed.json (JSON Feed 1.1, https://jsonfeed.org/version/1.1): the pages a snapshot added or updated, newest edit first. */
export const FeedSchema = z
  .strictObject({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    description: z.string(),
    items: z.array(FeedItemSchema),
    _notion_kb: z.strictObject({ schemaVersion: z.literal(1), snapshotId: z.string(), from: z.string().nullable().describe('The snapshot compared with; null on a first run.') }),
  })
  .meta({ id: 'Feed' });
export type Feed = z.infer<typeof FeedSchema>;
